// Header names ignore case: two that differ only in case are refused, and the caller's X-Idempotency-Key
// (any case) must agree with idempotencyKey and then reaches the provider once, as idempotencyKey.
// `__proto__` as a header name or metadata key is refused, never dropped silently.
import { describe, expect, it } from "vitest";
import { isMailError, type MailError, type MailMessage, normalizeMessage } from "../src/index.js";
import { createTestMailer } from "../src/testing/index.js";

const FROM = { address: "app@example.com" };
const base = { to: "ann@example.com", subject: "Hello", text: "Hi" };

function invalid(message: Record<string, unknown>): MailError {
  try {
    normalizeMessage({ ...base, ...message } as MailMessage, FROM);
  } catch (error) {
    expect(isMailError(error)).toBe(true);
    return error as MailError;
  }
  throw new Error("expected INVALID_MESSAGE");
}

describe("header names that differ only in case", () => {
  it.each([
    [
      { "X-Ref": "a", "x-ref": "b" },
      "headers.x-ref",
      "headers.x-ref repeats headers.X-Ref: header names ignore case",
    ],
    [
      { "list-id": "a", "List-ID": "b" },
      "headers.List-ID",
      "headers.List-ID repeats headers.list-id: header names ignore case",
    ],
  ])("refuses %j", (headers, field, message) => {
    expect(invalid({ headers })).toMatchObject({ code: "INVALID_MESSAGE", field, message });
  });

  it("refuses a caller's x-idempotency-key beside X-Idempotency-Key", () => {
    expect(invalid({ headers: { "X-Idempotency-Key": "k1", "x-idempotency-key": "k1" } })).toMatchObject({
      code: "INVALID_MESSAGE",
      field: "headers.x-idempotency-key",
    });
  });
});

describe("X-Idempotency-Key in headers with idempotencyKey", () => {
  it.each(["X-Idempotency-Key", "x-idempotency-key", "X-IDEMPOTENCY-KEY"])(
    "refuses %s with a different value, naming it",
    (name) => {
      expect(invalid({ idempotencyKey: "order-42", headers: { [name]: "order-43" } })).toMatchObject({
        code: "INVALID_MESSAGE",
        field: `headers.${name}`,
        message: `headers.${name} differs from idempotencyKey`,
      });
    },
  );

  it.each(["X-Idempotency-Key", "x-idempotency-key"])(
    "keeps one key when %s has the same value: the provider carries it as idempotencyKey",
    async (name) => {
      const mailer = await createTestMailer();
      await mailer.send({
        ...base,
        idempotencyKey: "order-42",
        headers: { [name]: "order-42", "X-Ref": "r" },
      });
      expect(mailer.sent[0]).toMatchObject({ idempotencyKey: "order-42", headers: { "X-Ref": "r" } });
      expect(Object.keys(mailer.sent[0]!.headers)).toEqual(["X-Ref"]);
    },
  );

  it("leaves the header alone when there is no idempotencyKey", () => {
    const message = normalizeMessage({ ...base, headers: { "x-idempotency-key": "k" } }, FROM);
    expect(message.headers).toEqual({ "x-idempotency-key": "k" });
    expect(message.idempotencyKey).toBeUndefined();
  });
});

describe("__proto__ keys", () => {
  // JSON.parse makes __proto__ an own property, as a request body or a config file would.
  it("refuses __proto__ as a header name", () => {
    expect(invalid({ headers: JSON.parse('{"__proto__": "x", "X-Ref": "r"}') })).toMatchObject({
      code: "INVALID_MESSAGE",
      field: "headers.__proto__",
      message: "headers.__proto__ is not accepted as a header name",
    });
  });

  it("refuses __proto__ as a metadata key", () => {
    expect(invalid({ metadata: JSON.parse('{"user": "42", "__proto__": "x"}') })).toMatchObject({
      code: "INVALID_MESSAGE",
      field: "metadata.__proto__",
      message: "metadata.__proto__ is not accepted as a key",
    });
  });

  it("still takes keys that merely contain it", () => {
    const message = normalizeMessage(
      { ...base, headers: { "X-__proto__": "a" }, metadata: { constructor: "b", __proto__x: "c" } },
      FROM,
    );
    expect(message.headers).toEqual({ "X-__proto__": "a" });
    expect(message.metadata).toEqual({ constructor: "b", __proto__x: "c" });
  });
});
