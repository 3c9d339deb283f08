// The caller's message is read exactly once, into plain data, before it is validated: a getter cannot pass
// validation and then hand a provider something else, and a getter or Proxy trap that throws becomes an
// INVALID_MESSAGE naming the field, never a raw error.
import { describe, expect, it } from "vitest";
import {
  isMailError,
  type MailAddress,
  type MailAttachment,
  type MailMessage,
  normalizeMessage,
} from "../src/index.js";
import { createTestMailer } from "../src/testing/index.js";

const FROM: MailAddress = { address: "app@example.com" };
const base = { to: "ann@example.com", subject: "Hello", text: "Hi" };

/** An object whose `key` returns `first` on the first read and `later` on every read after it. */
function changing<T extends object>(target: T, key: string, first: unknown, later: unknown): T {
  let reads = 0;
  return Object.defineProperty(target, key, {
    enumerable: true,
    get: () => (reads++ === 0 ? first : later),
  });
}

const boom = () => {
  throw new Error("getter exploded");
};

function rejection(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(isMailError(error), `expected a MailError, got ${String(error)}`).toBe(true);
    return error as { code: string; field: string; message: string; retryable: boolean };
  }
  throw new Error("expected normalizeMessage to throw");
}

describe("a getter that changes after the first read", () => {
  const cases: [string, () => MailMessage, (message: ReturnType<typeof normalizeMessage>) => unknown][] = [
    [
      "to's display name",
      () => ({
        ...base,
        to: changing({ address: "ann@example.com" }, "name", "Ann", "Ann\r\nBcc: x@evil.example"),
      }),
      (message) => message.to,
    ],
    [
      "to's address",
      () => ({
        ...base,
        to: changing(
          { name: "Ann" } as MailAddress,
          "address",
          "ann@example.com",
          "ann@example.com\r\nBcc: x@evil.example",
        ),
      }),
      (message) => message.to,
    ],
    [
      "message.to",
      () => changing({ ...base }, "to", "ann@example.com", "ann@example.com\r\nBcc: x@evil.example"),
      (message) => message.to,
    ],
    [
      "an element of to",
      () => ({ ...base, to: changing(["bob@example.com"], "0", "ann@example.com", "x\r\n@evil.example") }),
      (message) => message.to,
    ],
  ];

  it.each(cases)("%s: the validated value is the one kept", (_name, make, pick) => {
    const message = normalizeMessage(make(), FROM);
    expect(pick(message)).toEqual([expect.objectContaining({ address: "ann@example.com" })]);
    expect(JSON.stringify(message)).not.toContain("evil");
  });

  it("reads subject, headers and attachment fields once, too", () => {
    const headers = changing({}, "X-Ref", "abc", "abc\r\nBcc: x@evil.example");
    const attachment = changing({ content: "x" } as MailAttachment, "filename", "a.txt", "a\r\n.txt");
    const normalized = normalizeMessage(
      changing({ ...base, headers, attachments: [attachment] }, "subject", "Hello", "Hello\r\nX: y"),
      FROM,
    );
    expect(normalized.subject).toBe("Hello");
    expect(normalized.headers).toEqual({ "X-Ref": "abc" });
    expect(normalized.attachments[0]!.filename).toBe("a.txt");
  });

  it("sends what was validated through a mailer (memory provider)", async () => {
    const mailer = await createTestMailer();
    await mailer.send({
      ...base,
      to: changing({ address: "ann@example.com" }, "name", "Ann", "Ann\r\nBcc: x@evil.example"),
    });
    expect(mailer.sent[0]!.to).toEqual([{ address: "ann@example.com", name: "Ann" }]);
  });
});

describe("a getter or Proxy trap that throws", () => {
  const throwingProxy = (target: object = {}) =>
    new Proxy(target, {
      get: boom,
      ownKeys: boom,
      getOwnPropertyDescriptor: boom,
      getPrototypeOf: boom,
      has: boom,
    });
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable([] as string[], {});
    revoke();
    return proxy;
  };

  it.each([
    ["the message itself", () => throwingProxy(), "from"],
    ["message.to", () => Object.defineProperty({ ...base }, "to", { get: boom, enumerable: true }), "to"],
    ["message.subject", () => Object.defineProperty({ ...base }, "subject", { get: boom }), "subject"],
    [
      "to's address",
      () => ({ ...base, to: Object.defineProperty({}, "address", { get: boom }) }),
      "to.address",
    ],
    [
      "to's name",
      () => ({ ...base, to: Object.defineProperty({ address: "ann@example.com" }, "name", { get: boom }) }),
      "to.name",
    ],
    ["to as a Proxy array", () => ({ ...base, to: throwingProxy(["ann@example.com"]) }), "to"],
    ["a revoked Proxy as cc", () => ({ ...base, cc: revoked() }), "cc"],
    [
      "an element of bcc",
      () => ({ ...base, bcc: Object.defineProperty(["a@example.com"], "0", { get: boom }) }),
      "bcc[0]",
    ],
    ["headers as a Proxy", () => ({ ...base, headers: throwingProxy() }), "headers"],
    [
      "a header value",
      () => ({ ...base, headers: Object.defineProperty({}, "X-Ref", { get: boom, enumerable: true }) }),
      "headers",
    ],
    ["metadata as a Proxy", () => ({ ...base, metadata: throwingProxy() }), "metadata"],
    ["tags as a Proxy", () => ({ ...base, tags: throwingProxy([]) }), "tags"],
    [
      "an attachment's content",
      () => ({
        ...base,
        attachments: [Object.defineProperty({ filename: "a.txt" }, "content", { get: boom })],
      }),
      "attachments[0].content",
    ],
    [
      "an attachment as a Proxy",
      () => ({ ...base, attachments: [throwingProxy()] }),
      "attachments[0].filename",
    ],
  ] as [string, () => unknown, string][])("%s: INVALID_MESSAGE naming the field", (_name, make, field) => {
    const error = rejection(() => normalizeMessage(make() as MailMessage, FROM));
    expect(error).toMatchObject({ code: "INVALID_MESSAGE", field, retryable: false });
    expect(error.message).toBe(`${field} could not be read: its getter or proxy threw`);
  });

  it("refuses Proxy bytes as attachment content (not a Uint8Array)", () => {
    const content = throwingProxy(new Uint8Array([1, 2, 3]));
    const error = rejection(() =>
      normalizeMessage(
        { ...base, attachments: [{ filename: "a.bin", content: content as Uint8Array }] },
        FROM,
      ),
    );
    expect(error).toMatchObject({ code: "INVALID_MESSAGE", field: "attachments[0].content" });
  });

  it("rejects through a mailer with INVALID_MESSAGE, sending nothing", async () => {
    const mailer = await createTestMailer();
    await expect(mailer.send(throwingProxy() as MailMessage)).rejects.toMatchObject({
      name: "MailError",
      code: "INVALID_MESSAGE",
      field: "from",
    });
    expect(mailer.sent).toEqual([]);
  });
});
