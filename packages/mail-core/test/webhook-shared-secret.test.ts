import { describe, expect, it, vi } from "vitest";
import type { MailEvent } from "../src/index.js";
import {
  hasSharedSecret,
  jsonRecords,
  resolveSharedSecret,
  type SharedSecretConfig,
  sharedSecretFromEnv,
  sharedSecretWebhook,
  timingSafeEqual,
  toStringRecord,
  verifySharedSecret,
  WebhookError,
  type WebhookRequest,
} from "../src/provider.js";
import { findSecret } from "../src/testing/index.js";

function request(headers: Record<string, string> = {}, url = "https://app.example/hook"): WebhookRequest {
  return { method: "POST", url: new URL(url), headers: new Headers(headers), body: new Uint8Array() };
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

function refusal(run: () => void): WebhookError {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookError) return error;
    throw error;
  }
  throw new Error("accepted");
}

describe("verifySharedSecret", () => {
  const config: SharedSecretConfig = { basic: { username: "hook", password: "p:ss wörd" } };

  it("accepts the configured Basic credentials (a password may hold ':' and non-ASCII)", () => {
    expect(() =>
      verifySharedSecret(request({ authorization: basic("hook", "p:ss wörd") }), config),
    ).not.toThrow();
  });

  it.each([
    ["no Authorization", {}],
    ["a wrong password", { authorization: basic("hook", "p:ss word") }],
    ["a wrong user", { authorization: basic("Hook", "p:ss wörd") }],
    ["a password prefix", { authorization: basic("hook", "p:ss") }],
    ["no colon", { authorization: `Basic ${Buffer.from("hookp").toString("base64")}` }],
    ["not base64", { authorization: "Basic ***" }],
    ["a Bearer token", { authorization: "Bearer p:ss wörd" }],
  ])("refuses %s with 401 and a Basic challenge, naming no secret", (_, headers) => {
    const error = refusal(() => verifySharedSecret(request(headers), config));
    expect(error.status).toBe(401);
    expect(error.headers["www-authenticate"]).toMatch(/^Basic realm=/);
    expect(error.message).not.toContain("wörd");
  });

  it("accepts a Bearer token, a custom header or a query secret when configured, and any one configured secret", () => {
    const all: SharedSecretConfig = {
      bearer: "tok-1",
      header: { name: "X-Hook-Secret", value: "hdr-1" },
      query: { name: "key", value: "q-1" },
    };
    expect(() => verifySharedSecret(request({ authorization: "Bearer tok-1" }), all)).not.toThrow();
    expect(() => verifySharedSecret(request({ authorization: "tok-1" }), all)).not.toThrow();
    expect(() => verifySharedSecret(request({ authorization: "Bearer tok-12" }), all)).toThrow(WebhookError);
    expect(() => verifySharedSecret(request({ authorization: "Basic tok-1" }), all)).toThrow(WebhookError);
    expect(() => verifySharedSecret(request({ "x-hook-secret": "hdr-1" }), all)).not.toThrow();
    expect(() => verifySharedSecret(request({}, "https://app.example/hook?key=q-1"), all)).not.toThrow();
    const error = refusal(() =>
      verifySharedSecret(
        request({ authorization: "Bearer tok-2", "x-hook-secret": "hdr-2" }, "https://a.example/?key=q"),
        all,
      ),
    );
    expect(error.status).toBe(401);
    expect(error.headers).toEqual({});
  });

  it("never accepts an empty configured value", () => {
    expect(hasSharedSecret({ bearer: "" })).toBe(false);
    expect(hasSharedSecret({ basic: { username: "u", password: "" } })).toBe(false);
    expect(hasSharedSecret({ header: { name: "X-A", value: "" } })).toBe(false);
    expect(() => verifySharedSecret(request({ authorization: "Bearer " }), { bearer: "" })).toThrow(
      WebhookError,
    );
    expect(() => verifySharedSecret(request({ "x-a": "" }), { header: { name: "X-A", value: "" } })).toThrow(
      WebhookError,
    );
  });
});

describe("sharedSecretFromEnv", () => {
  it("reads <PREFIX>_WEBHOOK_USERNAME/PASSWORD and _TOKEN, blank counting as unset", () => {
    expect(
      sharedSecretFromEnv({ X_WEBHOOK_USERNAME: "u", X_WEBHOOK_PASSWORD: "p", X_WEBHOOK_TOKEN: " t " }, "X"),
    ).toEqual({ basic: { username: "u", password: "p" }, bearer: "t" });
    expect(sharedSecretFromEnv({ X_WEBHOOK_USERNAME: "u", X_WEBHOOK_TOKEN: " " }, "X")).toEqual({});
  });
});

describe("timingSafeEqual", () => {
  it("compares bytes exactly, lengths included", () => {
    expect(timingSafeEqual("abc", "abc")).toBe(true);
    expect(timingSafeEqual("abc", "abd")).toBe(false);
    expect(timingSafeEqual("abc", "abc\0")).toBe(false);
    expect(timingSafeEqual("", "")).toBe(true);
    expect(timingSafeEqual(new Uint8Array([1, 2]), "\x01\x02")).toBe(true);
    expect(timingSafeEqual("é", "e")).toBe(false);
  });
});

describe("resolveSharedSecret", () => {
  it("prefers secrets in code, then reads <PREFIX>_WEBHOOK_* from env", () => {
    expect(
      resolveSharedSecret("acme", "ACME", { bearer: "code", env: { ACME_WEBHOOK_TOKEN: "env" } }),
    ).toEqual({
      bearer: "code",
    });
    expect(resolveSharedSecret("acme", "ACME", { env: { ACME_WEBHOOK_TOKEN: "env" } })).toEqual({
      bearer: "env",
    });
    expect(
      resolveSharedSecret("acme", "ACME", {
        env: { ACME_WEBHOOK_USERNAME: "u", ACME_WEBHOOK_PASSWORD: "p" },
      }),
    ).toEqual({ basic: { username: "u", password: "p" } });
  });

  it("throws CONFIG naming the variables when nothing is configured, and names no value", () => {
    const run = () => resolveSharedSecret("acme", "ACME", { env: { ACME_WEBHOOK_TOKEN: " " } });
    expect(run).toThrow(
      expect.objectContaining({
        code: "CONFIG",
        field: "ACME_WEBHOOK_USERNAME/ACME_WEBHOOK_PASSWORD",
        message: expect.stringContaining("ACME_WEBHOOK_USERNAME/ACME_WEBHOOK_PASSWORD or ACME_WEBHOOK_TOKEN"),
      }),
    );
  });

  it("ignores _TOKEN for a vendor that can only send Basic credentials", () => {
    expect(() =>
      resolveSharedSecret("acme", "ACME", { env: { ACME_WEBHOOK_TOKEN: "t" } }, { bearer: false }),
    ).toThrow(
      expect.objectContaining({ code: "CONFIG", message: expect.not.stringContaining("ACME_WEBHOOK_TOKEN") }),
    );
  });

  it("names the missing half of Basic credentials, never the other's value", () => {
    let error: unknown;
    try {
      resolveSharedSecret("acme", "ACME", { env: { ACME_WEBHOOK_USERNAME: "user-s3cret" } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: "CONFIG", field: "ACME_WEBHOOK_PASSWORD" });
    expect(findSecret(error, ["user-s3cret"])).toBeUndefined();
  });

  it.each([
    [
      "an empty Basic pair beside a token",
      { basic: { username: "", password: "" }, bearer: "tok-s3cret" },
      "basic.username",
    ],
    ["a user name without a password", { basic: { username: "hook", password: "" } }, "basic.password"],
    ["a password without a user name", { basic: { username: " ", password: "pw-s3cret" } }, "basic.username"],
    ["a user name holding ':'", { basic: { username: "ho:ok", password: "pw-s3cret" } }, "basic.username"],
    [
      "an empty token beside a Basic pair",
      { basic: { username: "hook", password: "pw-s3cret" }, bearer: "" },
      "bearer",
    ],
    ["a token with a trailing space", { bearer: "tok-s3cret " }, "bearer"],
    ["a header without a value", { header: { name: "X-Hook", value: "" } }, "header.value"],
    ["a header name that is none", { header: { name: "X Hook", value: "hdr-s3cret" } }, "header.name"],
    ["a query parameter without a name", { query: { name: "", value: "q-s3cret" } }, "query.name"],
  ] as const)("refuses %s in code with CONFIG naming the option, never a value", (_, secrets, field) => {
    let error: unknown;
    try {
      resolveSharedSecret("acme", "ACME", { ...secrets, env: { ACME_WEBHOOK_TOKEN: "env-s3cret" } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: "CONFIG", provider: "acme", field });
    expect((error as Error).message).toContain(`the acme webhook's ${field} `);
    expect(findSecret(error, ["s3cret", "ho:ok"])).toBeUndefined();
  });

  it("refuses a user name holding ':' from the environment, naming the variable", () => {
    const run = () =>
      resolveSharedSecret("acme", "ACME", {
        env: { ACME_WEBHOOK_USERNAME: "ho:ok", ACME_WEBHOOK_PASSWORD: "pw-s3cret" },
      });
    expect(run).toThrow(expect.objectContaining({ code: "CONFIG", field: "ACME_WEBHOOK_USERNAME" }));
  });

  it("returns undefined for an explicit opt-out, after one warning", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(
      resolveSharedSecret("acme-optout", "ACME", { env: {}, insecureNoVerification: true }),
    ).toBeUndefined();
    expect(
      resolveSharedSecret("acme-optout", "ACME", { env: {}, insecureNoVerification: true }),
    ).toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});

describe("toStringRecord", () => {
  it("turns an echoed metadata object into text values and anything else into {}", () => {
    expect(toStringRecord({ a: "x", n: 43, b: true, o: { k: 1 }, z: null })).toEqual({
      a: "x",
      n: "43",
      b: "true",
      o: '{"k":1}',
    });
    expect(toStringRecord("x")).toEqual({});
    expect(toStringRecord([1])).toEqual({});
  });
});

describe("jsonRecords", () => {
  it("takes one object or an array of objects, and nothing else", () => {
    expect(jsonRecords({ a: 1 })).toEqual([{ a: 1 }]);
    expect(jsonRecords([{ a: 1 }, { b: 2 }])).toEqual([{ a: 1 }, { b: 2 }]);
    expect(jsonRecords([])).toEqual([]);
    expect(jsonRecords([{ a: 1 }, 2])).toBeUndefined();
    expect(jsonRecords(null)).toBeUndefined();
    expect(jsonRecords("text")).toBeUndefined();
  });
});

describe("sharedSecretWebhook", () => {
  const vendor = {
    provider: "acme",
    envPrefix: "ACME",
    records: (body: Uint8Array) => jsonRecords(JSON.parse(new TextDecoder().decode(body))),
    malformed: "the body is not an Acme record",
    map: (record: Record<string, unknown>, received: number) =>
      ({ provider: "acme", vendorType: String(record.event), timestamp: new Date(received) }) as MailEvent,
  };
  const post = (body: string, headers: Record<string, string> = {}): WebhookRequest => ({
    ...request(headers),
    body: new TextEncoder().encode(body),
  });

  it("refuses a request without the secret, maps each record of an accepted one at the time `now` gives", async () => {
    const webhook = sharedSecretWebhook(vendor, { bearer: "tok-123", env: {}, now: () => 5000 });
    expect(webhook.provider).toBe("acme");
    expect(refusal(() => webhook.verifyHeaders!(post("{}"))).status).toBe(401);
    expect(() => webhook.verifyHeaders!(post("{}", { authorization: "Bearer tok-123" }))).not.toThrow();
    expect(await webhook.parse(post('[{"event":"a"},{"event":"b"}]'))).toEqual([
      { provider: "acme", vendorType: "a", timestamp: new Date(5000) },
      { provider: "acme", vendorType: "b", timestamp: new Date(5000) },
    ]);
    const malformed = refusal(() => webhook.parse(post("[1]")));
    expect([malformed.status, malformed.message]).toEqual([400, "the body is not an Acme record"]);
  });

  it("reads <PREFIX>_WEBHOOK_* from env, _TOKEN only unless envBearer is false", () => {
    const env = { ACME_WEBHOOK_TOKEN: "env-token" };
    const webhook = sharedSecretWebhook(vendor, { env });
    expect(() => webhook.verifyHeaders!(post("{}", { authorization: "Bearer env-token" }))).not.toThrow();
    const error = (() => {
      try {
        sharedSecretWebhook({ ...vendor, envBearer: false }, { env });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error("created");
    })();
    expect(error.message).toContain("ACME_WEBHOOK_USERNAME/ACME_WEBHOOK_PASSWORD");
    expect(error.message).not.toContain("ACME_WEBHOOK_TOKEN");
    expect(error.message).not.toContain("env-token");
  });
});
