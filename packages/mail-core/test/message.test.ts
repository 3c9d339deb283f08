import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatAddress,
  isMailError,
  isValidAddress,
  type MailAddress,
  type MailError,
  type MailMessage,
  normalizeMessage,
  parseAddress,
} from "../src/index.js";
import { createTestMailer, fullMessage, PDF_BYTES, PNG_BYTES } from "../src/testing/index.js";

const FROM: MailAddress = { address: "app@example.com", name: "App" };
const base: MailMessage = { to: "ann@example.com", subject: "Hello", text: "Hi" };

function normalize(overrides: Partial<MailMessage> | Record<string, unknown>) {
  return normalizeMessage({ ...base, ...overrides } as MailMessage, FROM);
}

/** The INVALID_MESSAGE error `run` throws; fails the test if it throws anything else or nothing. */
function invalid(run: () => unknown): MailError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(isMailError(caught), `expected a MailError, got ${String(caught)}`).toBe(true);
  const error = caught as MailError;
  expect(error.code).toBe("INVALID_MESSAGE");
  expect(error.retryable).toBe(false);
  return error;
}

const fieldOf = (overrides: Partial<MailMessage> | Record<string, unknown>) =>
  invalid(() => normalize(overrides)).field;

describe("addresses", () => {
  it.each([
    ["ann@example.com", { address: "ann@example.com" }],
    ["  ann@example.com  ", { address: "ann@example.com" }],
    ["Ann <ann@example.com>", { address: "ann@example.com", name: "Ann" }],
    ["Ann Lee<ann@example.com>", { address: "ann@example.com", name: "Ann Lee" }],
    ['"Doe, Ann" <ann@example.com>', { address: "ann@example.com", name: "Doe, Ann" }],
    ['"Doe, Ann \\"Annie\\"" <ann@example.com>', { address: "ann@example.com", name: 'Doe, Ann "Annie"' }],
    ["<ann@example.com>", { address: "ann@example.com" }],
    ["Ünïcode Ann <ann@example.com>", { address: "ann@example.com", name: "Ünïcode Ann" }],
    [{ address: "ann@example.com" }, { address: "ann@example.com" }],
    [
      { address: " ann@example.com ", name: " Ann " },
      { address: "ann@example.com", name: "Ann" },
    ],
    [{ address: "ann@example.com", name: "" }, { address: "ann@example.com" }],
    ['"john doe"@example.com', { address: '"john doe"@example.com' }],
    ['John <"john doe"@example.com>', { address: '"john doe"@example.com', name: "John" }],
    ['John <"a<b"@example.com>', { address: '"a<b"@example.com', name: "John" }],
    ["ann@ü.example", { address: "ann@ü.example" }],
    ["ann@例え.テスト", { address: "ann@例え.テスト" }],
    ["o'brien+tag@mail.example.co.uk", { address: "o'brien+tag@mail.example.co.uk" }],
    ["ann@xn--bcher-kva.example", { address: "ann@xn--bcher-kva.example" }],
  ] as const)("accepts %j", (input, expected) => {
    expect(parseAddress(input, "to")).toEqual(expected);
  });

  const local64 = "a".repeat(64);
  const label63 = "b".repeat(63);
  const at254 = `${local64}@${[label63, label63, "c".repeat(58), "de"].join(".")}`;
  it("accepts 254 characters and a 64-character local part, not more", () => {
    expect(at254).toHaveLength(254);
    expect(isValidAddress(at254)).toBe(true);
    expect(isValidAddress(`a${at254}`)).toBe(false);
    expect(isValidAddress(`${local64}a@example.com`)).toBe(false);
    expect(isValidAddress(`a@${"b".repeat(64)}.com`)).toBe(false);
  });

  it.each([
    "ann.example.com",
    "@example.com",
    "ann@",
    "ann@example",
    "ann@localhost",
    "ann@example.123",
    "ann lee@example.com",
    "ann@exa mple.com",
    "ann..lee@example.com",
    ".ann@example.com",
    "ann.@example.com",
    "ann@example..com",
    "ann@.example.com",
    "ann@-example.com",
    "ann@example-.com",
    "ann@exam_ple.com",
    '"unclosed@example.com',
    "Ann <ann@example.com",
    "Ann <>",
    "",
    "   ",
  ])("rejects %j", (input) => {
    const error = invalid(() => parseAddress(input, "to"));
    expect(error.field).toBe("to");
    expect(error.message).toMatch(/^to /);
  });

  it.each([
    "ann@example.com\r\nBcc: eve@example.com",
    "Ann\n <ann@example.com>",
    "ann@example.com\0",
    { address: "ann@example.com\r" },
    { address: "ann@example.com", name: "Ann\r\nBcc: eve@example.com" },
    { address: "ann@example.com", name: "Ann\0" },
  ])("rejects CR, LF and NUL in %j", (input) => {
    expect(invalid(() => parseAddress(input, "cc[2]")).field).toBe("cc[2]");
  });

  it.each([42, null, {}, { address: 1 }, { address: "ann@example.com", name: 7 }, ["ann@example.com"]])(
    "rejects %j as an address",
    (input) => {
      expect(invalid(() => parseAddress(input as never, "replyTo")).field).toBe("replyTo");
    },
  );
});

describe("formatAddress", () => {
  it.each([
    [{ address: "ann@example.com" }, "ann@example.com"],
    [{ address: "ann@example.com", name: "Ann" }, "Ann <ann@example.com>"],
    [{ address: "ann@example.com", name: "Ann Lee" }, "Ann Lee <ann@example.com>"],
    [{ address: "ann@example.com", name: "O'Brien-Smith" }, "O'Brien-Smith <ann@example.com>"],
    [{ address: "ann@example.com", name: 'Doe, Ann "Annie"' }, '"Doe, Ann \\"Annie\\"" <ann@example.com>'],
    [
      { address: "possy@posseparty.example", name: "«Possy» Party" },
      '"«Possy» Party" <possy@posseparty.example>',
    ],
    [{ address: "ann@example.com", name: "Ann. Lee" }, '"Ann. Lee" <ann@example.com>'],
    [{ address: "ann@example.com", name: "a\\b" }, '"a\\\\b" <ann@example.com>'],
    [{ address: "ann@example.com", name: "Ann <admin>" }, '"Ann <admin>" <ann@example.com>'],
    [{ address: "ann@example.com", name: "Ann  Lee" }, '"Ann  Lee" <ann@example.com>'],
    [{ address: "ann@example.com", name: "Zoë" }, '"Zoë" <ann@example.com>'],
    [{ address: "bob@example.com", name: "=?UTF-8?B?Qm9i?=" }, '"=?UTF-8?B?Qm9i?=" <bob@example.com>'],
  ])("formats %j as %s", (mailbox, expected) => {
    expect(formatAddress(mailbox)).toBe(expected);
  });

  const hostileNames = [
    'Doe, Ann "Annie"',
    "«Possy» Party",
    "Support, Team",
    '"',
    '""',
    "\\",
    '\\"',
    "a\\",
    "<ann@evil.example>",
    "x <y@z.example> w",
    "Ann>",
    " leading",
    "trailing ",
    "  ",
    "tab\there",
    "(comment)",
    "例え テスト",
    "emoji 🎉 name",
    "semi;colon:",
    "@",
  ];
  const addresses = [
    "ann@example.com",
    '"john doe"@example.com',
    '"a<b"@example.com',
    "ann@ü.example",
    "x@例え.テスト",
    "o'brien+tag@mail.example.co.uk",
  ];
  const name = fc.oneof(
    fc.constantFrom(...hostileNames),
    fc.string({ unit: "grapheme", minLength: 1 }),
    fc.string({ unit: "binary", minLength: 1 }),
    fc.string({ unit: fc.constantFrom(..."a ,\"\\<>()«»ü@.;:'"), minLength: 1 }),
  );
  const address = fc.oneof(fc.constantFrom(...addresses), fc.emailAddress().filter(isValidAddress));
  const mailbox = fc.record(
    { address, name: name.filter((value) => !/[\r\n\0]/.test(value)) },
    { requiredKeys: ["address"] },
  );

  it("round-trips: parseAddress(formatAddress(x)) equals x", () => {
    fc.assert(
      fc.property(mailbox, (value) => {
        const expected = value.name ? value : { address: value.address };
        expect(parseAddress(formatAddress(value), "to")).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  }, 30_000); // 2000 generated cases: 0.5 s at load 14; nothing asserts on time

  it("round-trips every hostile name with every address", () => {
    for (const address of addresses) {
      for (const name of hostileNames) {
        expect(parseAddress(formatAddress({ address, name }), "to")).toEqual({ address, name });
      }
    }
  });
});

describe("normalizeMessage", () => {
  it("normalizes the full message: lists, default sender, bytes", () => {
    const message = normalizeMessage(fullMessage, FROM);
    expect(message.from).toEqual({ address: "possy@posseparty.example", name: "«Possy» Party" });
    expect(message.to).toEqual([
      { address: "ann@example.com", name: 'Doe, Ann "Annie"' },
      { address: "bob@example.com" },
    ]);
    expect(message.cc).toEqual([{ address: "carol@example.com", name: "Carol Ünïcode" }]);
    expect(message.bcc).toEqual([{ address: "dave@example.com" }]);
    expect(message.replyTo).toEqual([{ address: "support@posseparty.example", name: "Support, Team" }]);
    expect(message.subject).toBe("Sign in to POSSE Party ✓ — ünïcødé");
    expect(message.headers).toEqual({ "X-Entity-Ref-ID": "ref-123" });
    expect(message.attachments).toEqual([
      { filename: "report.pdf", content: PDF_BYTES, contentType: "application/pdf" },
      { filename: "logo.png", content: PNG_BYTES, contentType: "image/png", contentId: "logo@posse" },
    ]);
    expect(message.tags).toEqual(["login"]);
    expect(message.metadata).toEqual({ user_id: "42" });
  });

  it("fills in the default sender and empty lists", () => {
    expect(normalize({})).toEqual({
      from: FROM,
      to: [{ address: "ann@example.com" }],
      cc: [],
      bcc: [],
      replyTo: [],
      subject: "Hello",
      text: "Hi",
      headers: {},
      attachments: [],
      tags: [],
      metadata: {},
    });
  });

  it("accepts html alone, text alone, or both; multi-line bodies are fine", () => {
    expect(normalize({ text: undefined, html: "<p>Hi</p>" })).toMatchObject({ html: "<p>Hi</p>" });
    expect(normalize({ text: "line 1\r\nline 2\n" }).text).toBe("line 1\r\nline 2\n");
    expect(normalize({ html: "<p>\n</p>" })).toMatchObject({ text: "Hi", html: "<p>\n</p>" });
  });

  it("turns a string attachment into UTF-8 bytes and keeps Uint8Array (and Buffer) content", () => {
    const message = normalize({
      attachments: [
        { filename: "a.txt", content: "ünï" },
        { filename: "b.bin", content: Buffer.from([1, 2, 3]) },
      ],
    });
    expect(message.attachments[0]!.content).toEqual(new TextEncoder().encode("ünï"));
    expect([...message.attachments[1]!.content]).toEqual([1, 2, 3]);
  });

  it.each(["application/pdf", "text/plain; charset=utf-8", "image/svg+xml", "application/vnd.ms-excel"])(
    "accepts the attachment content type %j",
    (contentType) => {
      const message = normalize({ attachments: [{ filename: "f", content: "x", contentType }] });
      expect(message.attachments[0]!.contentType).toBe(contentType);
    },
  );

  it("accepts a header that merely starts like a reserved one", () => {
    expect(
      normalize({ headers: { "X-From": "a", "List-Unsubscribe": "<mailto:u@example.com>" } }).headers,
    ).toEqual({
      "X-From": "a",
      "List-Unsubscribe": "<mailto:u@example.com>",
    });
  });

  describe("names the exact field of each error", () => {
    it.each([
      [{ to: [] }, "to"],
      [{ to: undefined }, "to"],
      [{ to: "nope" }, "to"],
      [{ to: ["ann@example.com", "nope"] }, "to[1]"],
      [{ to: ["nope"] }, "to[0]"],
      [{ to: ["ann@example.com", { address: "b@example.com", name: "B\r\n" }] }, "to[1]"],
      [{ cc: "nope" }, "cc"],
      [{ cc: ["ann@example.com", "ann@example.com", "bad@"] }, "cc[2]"],
      [{ bcc: { address: "x" } }, "bcc"],
      [{ bcc: ["a@example.com", "b@example"] }, "bcc[1]"],
      [{ replyTo: "Support <support@>" }, "replyTo"],
      [{ replyTo: ["ok@example.com", "x y@example.com"] }, "replyTo[1]"],
      [{ from: "nope" }, "from"],
      [{ from: "App <app@example.com>\nBcc: eve@example.com" }, "from"],
    ])("%j → %s", (overrides, field) => {
      expect(fieldOf(overrides)).toBe(field);
    });

    it.each([
      [{ subject: undefined }, "subject"],
      [{ subject: "" }, "subject"],
      [{ subject: "   " }, "subject"],
      [{ subject: 42 }, "subject"],
      [{ subject: "Hi\r\nBcc: eve@example.com" }, "subject"],
      [{ subject: "Hi\nthere" }, "subject"],
      [{ subject: "Hi\rthere" }, "subject"],
      [{ subject: "Hi\0" }, "subject"],
      [{ text: undefined }, "text"],
      [{ text: "" }, "text"],
      [{ text: undefined, html: "" }, "text"],
      [{ text: 42 }, "text"],
      [{ html: 42 }, "html"],
      [{ text: "a\0b" }, "text"],
      [{ text: undefined, html: "<p>\0</p>" }, "html"],
    ])("%j → %s", (overrides, field) => {
      expect(fieldOf(overrides)).toBe(field);
    });

    it.each([
      [{ headers: { "X-Foo": "a\r\nBcc: eve@example.com" } }, "headers.X-Foo"],
      [{ headers: { "X-Foo": "a\nb" } }, "headers.X-Foo"],
      [{ headers: { "X-Foo": "a\0" } }, "headers.X-Foo"],
      [{ headers: { "X-Foo": "" } }, "headers.X-Foo"],
      [{ headers: { "X-Foo": 42 } }, "headers.X-Foo"],
      [{ headers: { "X-Ok": "1", "X Bad": "v" } }, 'headers["X Bad"]'],
      [{ headers: { "X-Bad:": "v" } }, 'headers["X-Bad:"]'],
      [{ headers: { "X-Bad\r\nBcc": "v" } }, 'headers["X-Bad\\r\\nBcc"]'],
      [{ headers: { "": "v" } }, 'headers[""]'],
      [{ headers: { "X-Ünï": "v" } }, 'headers["X-Ünï"]'],
      [{ headers: "X-Foo: bar" }, "headers"],
    ])("%j → %s", (overrides, field) => {
      expect(fieldOf(overrides)).toBe(field);
    });

    it.each([
      "From",
      "to",
      "CC",
      "Bcc",
      "Reply-To",
      "Subject",
      "Sender",
      "Date",
      "Message-ID",
      "MIME-Version",
      "Content-Type",
      "content-transfer-encoding",
      "Content-Disposition",
      "Return-Path",
    ])("rejects the reserved header %s", (name) => {
      const error = invalid(() => normalize({ headers: { [name]: "x@example.com" } }));
      expect(error.field).toBe(`headers.${name}`);
    });

    it.each([
      [{ filename: "a\r\n.pdf", content: "x" }, "attachments[1].filename"],
      [{ filename: "a\n.pdf", content: "x" }, "attachments[1].filename"],
      [{ filename: "a\0.pdf", content: "x" }, "attachments[1].filename"],
      [{ filename: "", content: "x" }, "attachments[1].filename"],
      [{ content: "x" }, "attachments[1].filename"],
      [{ filename: "a.pdf" }, "attachments[1].content"],
      [{ filename: "a.pdf", content: 42 }, "attachments[1].content"],
      [{ filename: "a.pdf", content: new ArrayBuffer(2) }, "attachments[1].content"],
      [{ filename: "a.pdf", content: "x", contentType: "pdf" }, "attachments[1].contentType"],
      [
        { filename: "a.pdf", content: "x", contentType: "application/pdf\r\nX: y" },
        "attachments[1].contentType",
      ],
      [{ filename: "a.pdf", content: "x", contentType: "application /pdf" }, "attachments[1].contentType"],
      [{ filename: "a.pdf", content: "x", contentType: "" }, "attachments[1].contentType"],
      [{ filename: "a.png", content: "x", contentId: "<logo>" }, "attachments[1].contentId"],
      [{ filename: "a.png", content: "x", contentId: "lo go" }, "attachments[1].contentId"],
      [{ filename: "a.png", content: "x", contentId: "logo\r\n" }, "attachments[1].contentId"],
      [null, "attachments[1]"],
      ["a.pdf", "attachments[1]"],
    ])("attachment %j → %s", (attachment, field) => {
      expect(fieldOf({ attachments: [{ filename: "ok.txt", content: "ok" }, attachment] })).toBe(field);
    });

    it("rejects attachments that are not an array", () => {
      expect(fieldOf({ attachments: { filename: "a", content: "x" } })).toBe("attachments");
    });

    it.each([
      [{ tags: ["ok", "a\r\nb"] }, "tags[1]"],
      [{ tags: ["a\0"] }, "tags[0]"],
      [{ tags: [""] }, "tags[0]"],
      [{ tags: [7] }, "tags[0]"],
      [{ tags: "login" }, "tags"],
      [{ metadata: { user: "a\r\nb" } }, "metadata.user"],
      [{ metadata: { user: "a\0" } }, "metadata.user"],
      [{ metadata: { user: 42 } }, "metadata.user"],
      [{ metadata: ["a"] }, "metadata"],
      [{ metadata: "a=b" }, "metadata"],
      [{ idempotencyKey: "key\r\n" }, "idempotencyKey"],
      [{ idempotencyKey: "key\0" }, "idempotencyKey"],
      [{ idempotencyKey: "" }, "idempotencyKey"],
      [{ idempotencyKey: "has space" }, "idempotencyKey"],
      [{ idempotencyKey: "k".repeat(257) }, "idempotencyKey"],
      [{ idempotencyKey: 42 }, "idempotencyKey"],
    ])("%j → %s", (overrides, field) => {
      expect(fieldOf(overrides)).toBe(field);
    });

    it("rejects CR, LF and NUL in metadata keys", () => {
      for (const key of ["a\r\nb", "a\nb", "a\0"]) {
        expect(fieldOf({ metadata: { [key]: "v" } })).toMatch(/^metadata/);
      }
    });

    it("accepts a 256-character printable idempotency key", () => {
      expect(normalize({ idempotencyKey: "k".repeat(256) }).idempotencyKey).toBe("k".repeat(256));
    });

    it("rejects a message that is not an object", () => {
      expect(invalid(() => normalizeMessage(undefined as never, FROM)).field).toBe("message");
    });
  });

  it("validates before any provider sees the message", async () => {
    const mailer = await createTestMailer();
    await expect(mailer.send({ ...base, to: ["ann@example.com", "nope"] })).rejects.toMatchObject({
      code: "INVALID_MESSAGE",
      field: "to[1]",
    });
    await expect(mailer.send({ ...base, text: undefined })).rejects.toMatchObject({
      code: "INVALID_MESSAGE",
      field: "text",
    });
    expect(mailer.sent).toEqual([]);
  });
});
