import { createServer as createHttpServer } from "node:http";
import { createRequire } from "node:module";
import { createServer, type Server } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createMailer, isMailError, MailError, type MailErrorCode } from "../src/index.js";
import {
  codeForStatus,
  httpFailure,
  isTlsFailureCode,
  noResponseFailure,
  parseRetryAfter,
  systemErrorCode,
  transportFailure,
  unsupportedField,
} from "../src/provider.js";
import { createFakeClock } from "../src/testing/index.js";
import { FROM, message, scripted } from "./support/scripted-provider.js";

type Core = typeof import("../src/index.js");

const ALL_CODES: MailErrorCode[] = [
  "CONFIG",
  "INVALID_MESSAGE",
  "UNSUPPORTED",
  "AUTH",
  "REJECTED",
  "RATE_LIMITED",
  "UNAVAILABLE",
  "NETWORK",
  "TIMEOUT",
  "ABORTED",
  "SUPPRESSED",
  "UNKNOWN",
];
const RETRYABLE = new Set<MailErrorCode>(["RATE_LIMITED", "UNAVAILABLE", "NETWORK", "TIMEOUT"]);

const systemError = (code: string, message = `connect ${code} 127.0.0.1:1`) =>
  Object.assign(new Error(message), { code, syscall: "connect" });

describe("MailError", () => {
  it("carries its code, message and defaults", () => {
    const error = new MailError("AUTH", "postmark rejected the token");
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(MailError);
    expect(error.name).toBe("MailError");
    expect(error.code).toBe("AUTH");
    expect(error.message).toBe("postmark rejected the token");
    expect(error.provider).toBeUndefined();
    expect(error.status).toBeUndefined();
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.field).toBeUndefined();
    expect(error.outcomeUnknown).toBe(false);
    expect(error.errors).toEqual([]);
    expect(error.cause).toBeUndefined();
    expect("cause" in error).toBe(false);
    expect(String(error)).toBe("MailError: postmark rejected the token");
  });

  it.each(ALL_CODES)("%s is retryable by default only for transient failures", (code) => {
    expect(new MailError(code, "x").retryable).toBe(RETRYABLE.has(code));
  });

  it("lets options override retryable and set every field", () => {
    const cause = new Error("sdk");
    const inner = new MailError("UNAVAILABLE", "first failed", { provider: "resend" });
    const error = new MailError("RATE_LIMITED", "slow down", {
      provider: "postmark",
      retryable: false,
      status: 429,
      retryAfterMs: 1500,
      cause,
      outcomeUnknown: true,
      field: "to",
      errors: [inner],
    });
    expect(error).toMatchObject({
      code: "RATE_LIMITED",
      provider: "postmark",
      retryable: false,
      status: 429,
      retryAfterMs: 1500,
      outcomeUnknown: true,
      field: "to",
      errors: [inner],
    });
    expect(error.cause).toBe(cause);
    expect(new MailError("CONFIG", "x", { retryable: true }).retryable).toBe(true);
  });

  it("serializes to JSON without its cause, with nested errors", () => {
    const inner = new MailError("UNAVAILABLE", "resend answered HTTP 503", {
      provider: "resend",
      status: 503,
    });
    const error = new MailError("NETWORK", "every provider failed", {
      provider: "postmark",
      retryAfterMs: 2000,
      cause: new Error("secret-bearing SDK error"),
      outcomeUnknown: true,
      errors: [inner],
    });
    expect(error.toJSON()).toEqual({
      name: "MailError",
      code: "NETWORK",
      message: "every provider failed",
      provider: "postmark",
      retryAfterMs: 2000,
      retryable: true,
      outcomeUnknown: true,
      errors: [
        {
          name: "MailError",
          code: "UNAVAILABLE",
          message: "resend answered HTTP 503",
          provider: "resend",
          status: 503,
          retryable: true,
        },
      ],
    });
    expect(JSON.stringify(error)).not.toContain("secret-bearing");
    expect(
      JSON.parse(JSON.stringify(new MailError("INVALID_MESSAGE", "to is bad", { field: "to" }))),
    ).toEqual({
      name: "MailError",
      code: "INVALID_MESSAGE",
      message: "to is bad",
      field: "to",
      retryable: false,
    });
  });

  it("unsupportedField names the provider and the field", () => {
    const error = unsupportedField("smtp", "tags", "SMTP has no tags");
    expect(error).toMatchObject({ code: "UNSUPPORTED", provider: "smtp", field: "tags", retryable: false });
    expect(error.message).toBe('smtp cannot send the message field "tags": SMTP has no tags');
    expect(unsupportedField("brevo", "metadata").message).toBe(
      'brevo cannot send the message field "metadata"',
    );
  });
});

describe("isMailError", () => {
  const require = createRequire(import.meta.url);
  const cjs = require(fileURLToPath(new URL("../dist/index.cjs", import.meta.url))) as Core;

  it("recognises a MailError from another copy of the core, both ways", async () => {
    const esm = (await import(new URL("../dist/index.js", import.meta.url).href)) as Core;
    for (const other of [cjs, esm]) {
      const foreign = new other.MailError("AUTH", "x");
      expect(foreign).not.toBeInstanceOf(MailError);
      expect(isMailError(foreign)).toBe(true);
      expect(other.isMailError(new MailError("AUTH", "x"))).toBe(true);
    }
  });

  it.each([
    ["a plain Error", new Error("x")],
    ["an Error named MailError without a code", Object.assign(new Error("x"), { name: "MailError" })],
    ["a lookalike object", { name: "MailError", code: "AUTH", message: "x" }],
    ["a string", "MailError"],
    ["undefined", undefined],
    ["null", null],
  ])("rejects %s", (_label, value) => {
    expect(isMailError(value)).toBe(false);
  });
});

describe("codeForStatus", () => {
  it.each([
    [400, "REJECTED"],
    [401, "AUTH"],
    [403, "AUTH"],
    [404, "REJECTED"],
    [408, "TIMEOUT"],
    [409, "REJECTED"],
    [413, "REJECTED"],
    [422, "REJECTED"],
    [429, "RATE_LIMITED"],
    [500, "UNAVAILABLE"],
    [502, "UNAVAILABLE"],
    [503, "UNAVAILABLE"],
    [504, "UNAVAILABLE"],
    [200, "UNKNOWN"],
    [302, "UNKNOWN"],
  ] as const)("HTTP %i is %s", (status, code) => {
    expect(codeForStatus(status)).toBe(code);
  });
});

describe("parseRetryAfter", () => {
  const now = () => Date.parse("2025-01-01T00:00:00Z");

  it.each([
    ["0", 0],
    ["1", 1000],
    ["120", 120_000],
    [" 30 ", 30_000],
    ["1.5", 1500],
    ["0.25", 250],
  ])("reads delta-seconds %j as %i ms", (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it.each([
    ["Wed, 01 Jan 2025 00:00:30 GMT", 30_000],
    ["Wednesday, 01-Jan-25 00:02:00 GMT", 120_000],
    ["Wed Jan  1 00:00:05 2025", 5000],
    ["Tue, 31 Dec 2024 23:59:00 GMT", 0],
  ])("reads the HTTP-date %j relative to the injected clock", (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it("uses Date.now by default", () => {
    expect(parseRetryAfter(new Date(Date.now() + 3_600_000).toUTCString())).toBeGreaterThan(3_500_000);
  });

  it.each([
    undefined,
    null,
    "",
    "   ",
    "soon",
    "-5",
    "1e3",
    "0x10",
    "12abc",
    "5 seconds",
    "foo 2020",
    "Infinity",
  ])("gives undefined for %j", (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe("httpFailure", () => {
  const now = () => Date.parse("2025-01-01T00:00:00Z");

  it("makes a MailError with the status's code, the vendor's detail and Retry-After", () => {
    const cause = new Error("sdk");
    const error = httpFailure({
      provider: "postmark",
      status: 429,
      detail: "  too many requests ",
      retryAfter: "Wed, 01 Jan 2025 00:00:10 GMT",
      cause,
      now,
    });
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({
      code: "RATE_LIMITED",
      provider: "postmark",
      status: 429,
      retryAfterMs: 10_000,
      retryable: true,
      outcomeUnknown: false,
    });
    expect(error.message).toBe("postmark answered HTTP 429: too many requests");
    expect(error.cause).toBe(cause);
  });

  it("leaves out a blank detail and a missing Retry-After", () => {
    const error = httpFailure({ provider: "resend", status: 401, detail: "  ", retryAfter: null });
    expect(error.message).toBe("resend answered HTTP 401");
    expect(error).toMatchObject({ code: "AUTH", retryable: false, retryAfterMs: undefined });
  });

  it("lets the vendor's body override the code the status implies", () => {
    const error = httpFailure({ provider: "mailgun", status: 400, code: "AUTH", retryAfter: "5" });
    expect(error).toMatchObject({ code: "AUTH", status: 400, retryAfterMs: 5000, retryable: false });
  });

  it.each([301, 302, 303, 307, 308])(
    "HTTP %i, a redirect not followed, is UNKNOWN with an unknown outcome, not retried",
    (status) => {
      expect(httpFailure({ provider: "mailgun", status })).toMatchObject({
        code: "UNKNOWN",
        status,
        retryable: false,
        outcomeUnknown: true,
      });
    },
  );

  it.each([500, 502, 503, 504])("HTTP %i is a retryable UNAVAILABLE", (status) => {
    expect(httpFailure({ provider: "brevo", status })).toMatchObject({
      code: "UNAVAILABLE",
      retryable: true,
    });
  });
});

describe("transportFailure", () => {
  it.each([
    "ECONNREFUSED",
    "ENOTFOUND",
    "EAI_AGAIN",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "UND_ERR_CONNECT_TIMEOUT",
  ])("%s is a NETWORK error whose outcome is certain (nothing was sent)", (code) => {
    const cause = systemError(code);
    const error = transportFailure("postmark", cause)!;
    expect(error).toMatchObject({
      code: "NETWORK",
      provider: "postmark",
      retryable: true,
      outcomeUnknown: false,
    });
    expect(error.message).toContain(code);
    expect(error.message).toContain("postmark");
    expect(error.cause).toBe(cause);
  });

  it.each(["ECONNRESET", "EPIPE", "ECONNABORTED", "UND_ERR_SOCKET"])(
    "%s is a NETWORK error whose outcome is unknown (the request may have arrived)",
    (code) => {
      expect(transportFailure("resend", systemError(code))).toMatchObject({
        code: "NETWORK",
        provider: "resend",
        retryable: true,
        outcomeUnknown: true,
      });
    },
  );

  it.each(["ETIMEDOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"])(
    "%s is a TIMEOUT whose outcome is unknown",
    (code) => {
      const error = transportFailure("sendgrid", systemError(code))!;
      expect(error).toMatchObject({
        code: "TIMEOUT",
        provider: "sendgrid",
        retryable: true,
        outcomeUnknown: true,
      });
      expect(error.message).toContain(code);
    },
  );

  it("finds the code of an undici fetch failure in its cause", () => {
    const fetchFailed = new TypeError("fetch failed", { cause: systemError("ECONNREFUSED") });
    expect(systemErrorCode(fetchFailed)).toBe("ECONNREFUSED");
    expect(transportFailure("mailjet", fetchFailed)).toMatchObject({
      code: "NETWORK",
      outcomeUnknown: false,
    });
  });

  it("finds a code nested several causes deep, and inside an AggregateError", () => {
    const deep = new TypeError("fetch failed", {
      cause: new Error("wrapper", { cause: new Error("inner", { cause: systemError("ECONNRESET") }) }),
    });
    expect(transportFailure("brevo", deep)).toMatchObject({ code: "NETWORK", outcomeUnknown: true });
    const aggregate = new TypeError("fetch failed", {
      cause: new AggregateError([systemError("ECONNREFUSED"), systemError("ENETUNREACH")], "connect failed"),
    });
    expect(systemErrorCode(aggregate)).toBe("ECONNREFUSED");
    expect(transportFailure("brevo", aggregate)).toMatchObject({ code: "NETWORK", outcomeUnknown: false });
  });

  it("skips vendor codes that are not system codes on the way down", () => {
    const error = Object.assign(new Error("aws"), {
      code: "InvalidParameterValue",
      cause: systemError("ETIMEDOUT"),
    });
    expect(transportFailure("amazon_ses", error)).toMatchObject({ code: "TIMEOUT" });
  });

  const TLS_CODES = [
    "CERT_HAS_EXPIRED",
    "CERT_NOT_YET_VALID",
    "CERT_UNTRUSTED",
    "CERT_REVOKED",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "ERR_TLS_CERT_ALTNAME_INVALID",
    "HOSTNAME_MISMATCH",
    "ERR_SSL_WRONG_VERSION_NUMBER",
    "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA",
    "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
    "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED",
  ];

  it.each(TLS_CODES)(
    "%s (a failed TLS handshake) is CONFIG, not retryable, and certainly not sent, like SMTP's",
    (code) => {
      expect(isTlsFailureCode(code)).toBe(true);
      const certificate = Object.assign(new Error(`certificate problem (${code})`), { code });
      // As undici's fetch reports it (the code on the cause), and as axios does (the code on the error).
      for (const failure of [new TypeError("fetch failed", { cause: certificate }), certificate]) {
        const error = transportFailure("postmark", failure)!;
        expect(error).toMatchObject({
          code: "CONFIG",
          provider: "postmark",
          retryable: false,
          outcomeUnknown: false,
        });
        expect(error.message).toBe(
          `the TLS handshake with postmark failed (${code}): check the endpoint's host name and ` +
            "certificate; nothing was sent",
        );
        expect(noResponseFailure("postmark", failure, "fetch failed")).toMatchObject({
          code: "CONFIG",
          outcomeUnknown: false,
        });
      }
    },
  );

  it.each(["ERR_SSL_SSLV3_ALERT_BAD_RECORD_MAC", "ERR_SSL_DECRYPTION_FAILED", "ERR_TLS_INVALID_STATE"])(
    "%s (a TLS failure that may come after the request was sent) is not called a handshake failure",
    (code) => {
      expect(isTlsFailureCode(code)).toBe(false);
      expect(transportFailure("sendgrid", systemError(code))).toBeUndefined();
    },
  );

  it("classifies a real fetch that speaks TLS to a plain HTTP port as CONFIG, nothing sent", async () => {
    const received: string[] = [];
    const server = createHttpServer((request, response) => {
      received.push(request.url ?? "");
      response.end("plain");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      const failure = await fetch(`https://127.0.0.1:${port}/email`, { method: "POST", body: "x" }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(systemErrorCode(failure)).toBe("ERR_SSL_WRONG_VERSION_NUMBER");
      expect(noResponseFailure("postmark", failure, "fetch failed")).toMatchObject({
        code: "CONFIG",
        retryable: false,
        outcomeUnknown: false,
      });
      expect(received).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("fails over after a TLS failure without an idempotency key, and does not retry it", async () => {
    const certificate = Object.assign(new Error("unable to verify the first certificate"), {
      code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    });
    const a = scripted("a", [{ throws: new TypeError("fetch failed", { cause: certificate }) }]);
    const b = scripted("b");
    const clock = createFakeClock();
    const mailer = await createMailer({
      from: FROM,
      providers: [a.setup(), b.setup()],
      clock,
      retry: { attempts: 3 },
    });
    await expect(clock.settle(mailer.send(message))).resolves.toEqual({ provider: "b", messageId: "b-1" });
    expect(a.requests).toHaveLength(1);
  });

  it.each([
    ["a plain Error", new Error("boom")],
    ["an unrelated system code", systemError("ERR_INVALID_ARG_TYPE")],
    ["a vendor code", Object.assign(new Error("x"), { code: "MessageRejected" })],
    ["a string", "ECONNREFUSED"],
    ["undefined", undefined],
  ])("is undefined for %s", (_label, error) => {
    expect(transportFailure("smtp", error)).toBeUndefined();
  });

  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  it("classifies a real fetch to a closed port as NETWORK with a certain outcome", async () => {
    const port = await closedPort();
    const failure = await fetch(`http://127.0.0.1:${port}/`).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(transportFailure("postmark", failure)).toMatchObject({ code: "NETWORK", outcomeUnknown: false });
  });

  it("classifies a real connection dropped mid-request as NETWORK with an unknown outcome", async () => {
    const server: Server = createServer((socket) => socket.on("data", () => socket.destroy()));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      const failure = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "x" }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(transportFailure("postmark", failure)).toMatchObject({ code: "NETWORK", outcomeUnknown: true });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("noResponseFailure", () => {
  it("keeps what a socket error says: a refused connection certainly did not deliver", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(noResponseFailure("acme", refused, "fetch failed")).toMatchObject({
      code: "NETWORK",
      provider: "acme",
      outcomeUnknown: false,
    });
  });

  it("otherwise says the request may have arrived, with the SDK's text", () => {
    const error = noResponseFailure("acme", new Error("socket hang up?"), "fetch failed");
    expect(error).toMatchObject({ code: "NETWORK", provider: "acme", outcomeUnknown: true, retryable: true });
    expect(error.message).toBe("could not complete the request to acme: fetch failed");
  });
});
