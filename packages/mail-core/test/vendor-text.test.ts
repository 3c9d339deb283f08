// What a vendor says reaches an error only after core has made it safe, in one place every provider goes
// through: secrets masked in the whole text (cut-off echoes and short secrets too), then control characters
// escaped, then the text bounded. Message, stack, cause, JSON and hook events all carry only the result.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { redactMailError, redactText, safeText, secretPatterns } from "../src/errors/redact.js";
import { createMailer, type MailError, type MailerOptions, type SendErrorEvent } from "../src/index.js";
import { escapeControlCharacters, httpFailure } from "../src/provider.js";
import { createFakeClock, findSecret } from "../src/testing/index.js";
import { FROM, message, rejectionOf, type Step, scripted } from "./support/scripted-provider.js";

const API_KEY = "sk_live_51HxQv2ApiKeyDoNotLeak9f3e";
const b64 = (text: string) => Buffer.from(text).toString("base64");

/** Longest error message, the cut marker included. */
const MAX_MESSAGE = 1000;

/** Every run of 8 characters of `secret`: what is left of it must be shorter than that. */
const windows = (secret: string, size = 8) =>
  Array.from({ length: secret.length - size + 1 }, (_, at) => secret.slice(at, at + size));

/** Every control character that could forge a log line or hide text. */
const CONTROLS = [
  "\n",
  "\r",
  "\t",
  "\0",
  "\x1b",
  "\x07",
  "\x7f",
  "\x85",
  "\x9b",
  "\u061c",
  "\u200e",
  "\u200f",
  "\u2028",
  "\u2029",
  "\u202a",
  "\u202e",
  "\u2066",
  "\u2069",
];

async function failWith(step: Step, options: MailerOptions & { secrets?: string[] } = {}) {
  const clock = createFakeClock();
  const events: SendErrorEvent[] = [];
  const provider = scripted("acme", [step]);
  const mailer = await createMailer({
    from: FROM,
    providers: provider.setup({ apiKey: API_KEY }, options.secrets),
    clock,
    retry: { attempts: 1 },
    hooks: { onError: (event) => events.push(event) },
    ...options,
  });
  const error = await rejectionOf(clock.settle(mailer.send(message)));
  return { error, events };
}

/** Everything a user might print of an error, its causes and its events. */
function renderings(error: MailError, events: readonly unknown[] = []): string[] {
  const texts = [
    error.message,
    error.stack ?? "",
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: null, showHidden: true }),
  ];
  for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause) {
    texts.push(cause.message, cause.stack ?? "", cause.name, inspect(cause, { depth: null }));
  }
  texts.push(inspect(events, { depth: null, showHidden: true }));
  return texts;
}

describe("a secret cut short by the vendor or the provider is masked (partial echoes)", () => {
  it.each(Array.from({ length: API_KEY.length - 8 + 1 }, (_, cut) => cut + 8))(
    "the key's first %i characters, as a provider that cut the body there leaves them",
    async (cut) => {
      const body = `{"error":"invalid key","you_sent":"${API_KEY}"}`;
      const at = body.indexOf(API_KEY) + cut;
      const { error, events } = await failWith(
        httpFailure({ provider: "acme", status: 401, detail: body.slice(0, at) }),
      );
      expect(error.message).toBe(`acme answered HTTP 401: {"error":"invalid key","you_sent":"[redacted]`);
      expect(findSecret(renderings(error, events), windows(API_KEY))).toBeUndefined();
    },
  );

  it.each(Array.from({ length: API_KEY.length - 8 + 1 }, (_, cut) => cut + 8))(
    "the key's last %i characters, as a vendor that kept the end of a long body leaves them",
    async (kept) => {
      const { error } = await failWith(
        httpFailure({ provider: "acme", status: 500, detail: `…${API_KEY.slice(-kept)}" was refused` }),
      );
      expect(error.message).toBe('acme answered HTTP 500: …[redacted]" was refused');
    },
  );

  it.each(["", "a", "ab", "api", "user"])(
    "a Basic credential of user %j cut anywhere inside the key's characters",
    async (user) => {
      const header = b64(`${user}:${API_KEY}`);
      const from = Math.ceil((Buffer.byteLength(`${user}:`) * 8) / 6);
      const to = Math.floor((Buffer.byteLength(`${user}:${API_KEY}`) * 8) / 6);
      const onlyKey = header.slice(from, to);
      for (let cut = from + 8; cut <= header.length; cut++) {
        const detail = `sent Authorization: Basic ${header.slice(0, cut)}`;
        const { error } = await failWith(httpFailure({ provider: "acme", status: 401, detail }));
        expect(error.message).toContain("[redacted]");
        expect(findSecret(error, windows(onlyKey))).toBeUndefined();
      }
    },
  );

  it("leaves fewer than 8 characters of a key, and text that merely shares a few characters", () => {
    const patterns = secretPatterns([API_KEY]);
    expect(redactText(`key ${API_KEY.slice(0, 7)}`, patterns)).toBe(`key ${API_KEY.slice(0, 7)}`);
    expect(redactText("sk_live_ is the prefix of live keys", patterns)).toBe(
      "[redacted] is the prefix of live keys",
    );
  });
});

describe("core redacts the whole text first, then shortens it", () => {
  it.each([960, 980, 990, 995, 999, 1000, 1001, 1005, 1010, 1030])(
    "a key starting at character %i of a long body is masked, not cut in two",
    async (offset) => {
      const prefix = "acme answered HTTP 400: ";
      const detail = `${"x".repeat(offset - prefix.length)}${API_KEY}${"y".repeat(5000)}`;
      const { error, events } = await failWith(httpFailure({ provider: "acme", status: 400, detail }));
      expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
      expect(error.message).toMatch(/… \[cut; the text had \d+ characters\]$/);
      expect(findSecret(renderings(error, events), windows(API_KEY))).toBeUndefined();
      // The mask is whole or absent: a cut never leaves "[redac".
      expect(error.message.replace("[redacted]", "")).not.toContain("[redac");
    },
  );

  it("a text made safe once comes through a second time unchanged", async () => {
    const detail = `${"x".repeat(5000)}\n${API_KEY}`;
    const { error } = await failWith(httpFailure({ provider: "acme", status: 400, detail }));
    const again = redactMailError(error, secretPatterns([API_KEY]));
    expect(again.message).toBe(error.message);
    expect(again.stack).toBe(error.stack);
    expect(safeText(error.message, secretPatterns([API_KEY]))).toBe(error.message);
  });

  it("safeText cuts a 32 MB text to 1000 characters, the marker giving the vendor's length", () => {
    const text = `${"<p>".repeat(11_000_000)}${API_KEY}`;
    const safe = safeText(text, secretPatterns([API_KEY]));
    const marker = `… [cut; the text had ${text.length} characters]`;
    expect(safe).toBe(`${"<p>".repeat(1000).slice(0, 1000 - marker.length)}${marker}`);
  });
});

describe("vendor text in an error is bounded", () => {
  it("a 5 MB error field gives a short message, stack, JSON and event", async () => {
    const detail = `bad request: ${"field ".repeat(900_000)}`;
    const { error, events } = await failWith(httpFailure({ provider: "acme", status: 400, detail }));
    expect(error).toMatchObject({ code: "REJECTED", provider: "acme", status: 400 });
    expect(error.message.startsWith("acme answered HTTP 400: bad request: field field")).toBe(true);
    expect(error.message).toContain(
      `… [cut; the text had ${"acme answered HTTP 400: ".length + detail.trim().length} characters]`,
    );
    expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(error.stack!.length).toBeLessThanOrEqual("MailError: ".length + MAX_MESSAGE + 30 * 301);
    expect(JSON.stringify(error).length).toBeLessThan(MAX_MESSAGE + 200);
    expect(events).toHaveLength(1);
    expect(events[0]!.error.message).toBe(error.message);
    expect(inspect(events, { depth: null }).length).toBeLessThan(20_000);
  });

  // Building and scanning 32 MB strings takes well under a second alone, but 7 s on a fresh-clone CI run
  // with every package's tests at once: a generous limit (30 s), no assertion on time.
  it("an SDK error with a 32 MB message, stack, name and code is copied bounded, and nothing else of it", async () => {
    const page = `<html>${"<div>upstream error</div>".repeat(1_300_000)}</html>`;
    const attachment = "ATTACHMENT-CONTENT-MARKER";
    const sdk = Object.assign(new Error(`Request failed: ${page}`), {
      name: `MailgunAPIError ${"x".repeat(10_000)}`,
      code: `E${"X".repeat(10_000)}`,
      status: 502,
      details: page,
      config: { data: `--boundary\r\nContent-Disposition: attachment\r\n\r\n${attachment}` },
      request: { body: attachment },
      response: { data: page },
    });
    const { error, events } = await failWith({ throws: sdk });
    const cause = error.cause as Error & { code: string; status: number };
    expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(cause.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(cause.name.length).toBeLessThanOrEqual(100);
    expect(cause.code.length).toBeLessThanOrEqual(200);
    expect(cause.status).toBe(502);
    expect(cause.stack!.length).toBeLessThanOrEqual(100 + 2 + MAX_MESSAGE + 30 * 301);
    const printed = renderings(error, events).join("\n");
    expect(printed.length).toBeLessThan(100_000);
    expect(printed).not.toContain(attachment);
    expect(printed).not.toContain("details");
  }, 30_000);

  it("bounds a cause that is a huge string, and every error of a failover", async () => {
    const huge = "z".repeat(3_000_000);
    const { error } = await failWith({ throws: huge });
    expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE);

    const clock = createFakeClock();
    const a = scripted("a", [httpFailure({ provider: "a", status: 400, detail: huge })]);
    const b = scripted("b", [httpFailure({ provider: "b", status: 401, detail: huge })]);
    const mailer = await createMailer({ from: FROM, providers: [a.setup(), b.setup()], clock });
    const failover = await rejectionOf(clock.settle(mailer.send(message)));
    expect(failover.errors).toHaveLength(2);
    for (const inner of failover.errors) expect(inner.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(failover.message.length).toBeLessThan(3 * MAX_MESSAGE);
  });
});

describe("control characters in vendor text are escaped", () => {
  it.each(CONTROLS.map((control) => [JSON.stringify(control), control]))(
    "%s never reaches the message, the cause, the stack's first line or an event",
    async (_, control) => {
      const text = `denied${control}2026-12-02T14:00:00Z INFO sent ok`;
      const sdk = Object.assign(new Error(text), { name: `Vendor${control}Error`, code: `E${control}` });
      const { error, events } = await failWith(
        httpFailure({ provider: "acme", status: 403, detail: text, cause: sdk }),
      );
      const cause = error.cause as Error & { code: string };
      for (const value of [error.message, cause.message, cause.name, cause.code, JSON.stringify(error)]) {
        expect(value).not.toContain(control);
      }
      expect(events[0]!.error.message).toBe(error.message);
      // Frames keep their line breaks; the vendor's text cannot add a line of its own.
      for (const stack of [error.stack!, cause.stack!]) {
        const [first, ...frames] = stack.split("\n");
        expect(first).not.toContain(control);
        for (const frame of frames) expect(frame).toMatch(/^ {4}at /);
      }
    },
  );

  it("writes each control as a visible escape", async () => {
    const { error } = await failWith(
      httpFailure({
        provider: "acme",
        status: 400,
        detail: "a\nb\rc\td\x1b[31me\x00f\x85g\u202eh\u2028i",
      }),
    );
    expect(error.message).toBe("acme answered HTTP 400: a\\nb\\rc\\td\\x1b[31me\\x00f\\x85g\\u202eh\\u2028i");
  });

  it("escapeControlCharacters writes each control as that escape, keeps other text and cuts nothing", () => {
    expect(escapeControlCharacters("a\nb\rc\td\x1b[31me\x00f\x7f\x85g\u061c\u202eh\u2028i\u2066")).toBe(
      "a\\nb\\rc\\td\\x1b[31me\\x00f\\x7f\\x85g\\u061c\\u202eh\\u2028i\\u2066",
    );
    const long = `Grüße ✉ 😀 ${"x".repeat(5000)}`;
    expect(escapeControlCharacters(long)).toBe(long);
  });

  it("keeps a forged stack frame out of the stack", async () => {
    const forged = "refused\n    at forged (/evil.js:1:1)\n2026-12-02 INFO mail sent";
    const { error } = await failWith(
      httpFailure({ provider: "acme", status: 400, detail: forged, cause: new Error(forged) }),
    );
    for (const stack of [error.stack!, (error.cause as Error).stack!]) {
      expect(stack).not.toContain("\n    at forged");
      expect(stack).not.toContain("\n2026-12-02");
      expect(stack.split("\n")[0]).toContain("refused\\n    at forged (/evil.js:1:1)\\n2026-12-02 INFO");
    }
  });

  it("keeps ordinary text, Unicode and emoji as they are", async () => {
    const { error } = await failWith(
      httpFailure({ provider: "acme", status: 400, detail: "Adresse ungültig: Zoë 👋 — 日本" }),
    );
    expect(error.message).toBe("acme answered HTTP 400: Adresse ungültig: Zoë 👋 — 日本");
  });
});

describe("secrets shorter than 4 characters are masked as whole tokens", () => {
  const SHORT = ["p@1", "ab"];
  const masked = (text: string) => redactText(text, secretPatterns(SHORT));

  it.each([
    ["Invalid login mailer/p@1", "Invalid login mailer/[redacted]"],
    ['{"password":"p@1"}', '{"password":"[redacted]"}'],
    ["pw=p%401&x=1", "pw=[redacted]&x=1"],
    [`Authorization: Basic ${b64("user:p@1")}`, "Authorization: Basic [redacted]"],
    [`AUTH PLAIN ${b64("\0mailer\0p@1")}`, "AUTH PLAIN [redacted]"],
    [`334 UGFzc3dvcmQ6 ${b64("p@1")}`, "334 UGFzc3dvcmQ6 [redacted]"],
    [`Basic ${b64("ab:x")}`, "Basic [redacted]"],
    ["ab", "[redacted]"],
    ["key ab.", "key [redacted]."],
  ])("%j becomes %j", (text, expected) => {
    expect(masked(text)).toBe(expected);
  });

  it.each(["about tabs and crabs", "p@1x and xp@1 are other words", `Basic ${b64("user:p@12")}`])(
    "%j is left alone: the secret is not a whole token there",
    (text) => {
      expect(masked(text)).toBe(text);
    },
  );

  it("in a provider's error, raw and base64, through the mailer", async () => {
    const { error, events } = await failWith(
      {
        throws: Object.assign(new Error(`Invalid login mailer/p@1 (AUTH PLAIN ${b64("\0mailer\0p@1")})`), {
          code: "EAUTH",
        }),
      },
      { secrets: ["p@1"] },
    );
    expect(error.message).toBe("acme failed: Invalid login mailer/[redacted] (AUTH PLAIN [redacted])");
    const printed = renderings(error, events).join("\n");
    expect(printed).not.toMatch(/\bp@1\b/);
    expect(printed).not.toContain(b64("\0mailer\0p@1"));
  });
});
