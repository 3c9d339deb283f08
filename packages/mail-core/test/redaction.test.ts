import { inspect } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redactMailError, redactText, safeCause, secretPatterns } from "../src/errors/redact.js";
import {
  createMailer,
  MailError,
  type MailerOptions,
  type SendErrorEvent,
  type SendEvent,
  type SentEvent,
} from "../src/index.js";
import { httpFailure } from "../src/provider.js";
import { createFakeClock, findSecret } from "../src/testing/index.js";
import {
  FROM,
  fail,
  keyed,
  message,
  rejectionOf,
  type Scripted,
  type Step,
  scripted,
} from "./support/scripted-provider.js";

const API_KEY = "sk_live_51HxQv2ApiKeyDoNotLeak9f3e";
const ENV_SECRET = "smtp-password-Tr0ub4dor&3";
const b64 = (text: string) => Buffer.from(text).toString("base64");
const basic = (user: string, password: string) => b64(`${user}:${password}`);

/** Every printable form of each secret that must never appear. */
const FORMS = [
  API_KEY,
  ENV_SECRET,
  b64(API_KEY),
  b64(ENV_SECRET),
  encodeURIComponent(ENV_SECRET),
  basic("api", API_KEY),
  basic("user", ENV_SECRET),
];

/** An axios-like SDK error: the request config with the auth header, a response, a nested cause. */
function sdkError(): Error {
  const root = new Error(`socket closed while sending Authorization: Bearer ${API_KEY}`);
  const error = new Error(`Request failed with status code 502 (key ${API_KEY})`, { cause: root });
  return Object.assign(error, {
    name: "AxiosError",
    code: "ERR_BAD_RESPONSE",
    status: 502,
    config: {
      url: "https://api.vendor.example/v3/send",
      headers: { Authorization: `Bearer ${API_KEY}`, "X-Basic": `Basic ${basic("api", API_KEY)}` },
      auth: { username: "user", password: ENV_SECRET },
    },
    request: { _header: `POST /v3/send HTTP/1.1\r\nAuthorization: Bearer ${API_KEY}\r\n` },
    response: {
      status: 502,
      data: { message: "bad gateway" },
      config: { headers: { Authorization: API_KEY } },
    },
  });
}

async function mailerWith(providers: Scripted[], options: MailerOptions = {}) {
  const clock = createFakeClock();
  const events: Array<SendEvent | SentEvent | SendErrorEvent> = [];
  const mailer = await createMailer({
    from: FROM,
    providers: providers.map((provider) => provider.setup({ apiKey: API_KEY, region: "eu" }, [ENV_SECRET])),
    clock,
    random: () => 0.5,
    retry: { attempts: 1 },
    hooks: {
      onSend: (event) => events.push(event),
      onSent: (event) => events.push(event),
      onError: (event) => events.push(event),
    },
    ...options,
  });
  return { clock, mailer, events };
}

async function sendError(step: Step, options: MailerOptions = {}) {
  const provider = scripted("acme", [step]);
  const { clock, mailer, events } = await mailerWith([provider], options);
  const error = await rejectionOf(clock.settle(mailer.send(keyed)));
  return { error, events };
}

/** Asserts nothing of `value` shows a secret, in every rendering findSecret knows, plus each cause's. */
function expectClean(value: unknown) {
  expect(findSecret(value, FORMS)).toBeUndefined();
  let cause: unknown = value;
  for (let depth = 0; cause instanceof Error && depth < 10; depth++) {
    expect(findSecret(cause, FORMS)).toBeUndefined();
    cause = cause.cause;
  }
}

describe("secrets never leave through errors", () => {
  it("masks a thrown SDK error carrying config.headers.Authorization", async () => {
    const { error, events } = await sendError({ throws: sdkError() });
    expect(error).toBeInstanceOf(MailError);
    expect(error.provider).toBe("acme");
    expect(error.message).toContain("[redacted]");
    expectClean(error);
    // The request config, request and response are not copied at all.
    const printed = inspect(error, { depth: null, showHidden: true });
    for (const dropped of ["api.vendor.example", "X-Basic", "_header", "bad gateway"]) {
      expect(printed).not.toContain(dropped);
    }
    // What is safe to keep is kept: the cause's name, masked message and scalar fields.
    const cause = error.cause as Error & { code?: string; status?: number; config?: unknown };
    expect(cause).toMatchObject({ name: "AxiosError", code: "ERR_BAD_RESPONSE", status: 502 });
    expect(cause.message).toBe("Request failed with status code 502 (key [redacted])");
    expect(cause.config).toBeUndefined();
    expect((cause.cause as Error).message).toBe(
      "socket closed while sending Authorization: Bearer [redacted]",
    );
    expectClean(events);
  });

  it("masks secrets in a provider's MailError: message, stack, nested causes and JSON", async () => {
    const nested = new Error("level 3", { cause: `level 4 holds ${ENV_SECRET}` });
    const provided = httpFailure({
      provider: "acme",
      status: 401,
      detail: `invalid key ${API_KEY}`,
      cause: new Error(`level 1 ${b64(API_KEY)}`, {
        cause: new Error(`level 2 ${API_KEY}`, { cause: nested }),
      }),
    });
    const { error, events } = await sendError(provided);
    expect(error).toMatchObject({ code: "AUTH", status: 401, provider: "acme" });
    expect(error.message).toBe("acme answered HTTP 401: invalid key [redacted]");
    expect(error.stack).toContain("invalid key [redacted]");
    expect(JSON.stringify(error)).toContain("[redacted]");
    expectClean(error);
    expectClean(events);
  });

  it("masks config values listed in secretKeys and the setup's extra secrets, not other config", async () => {
    const { error } = await sendError(
      fail("REJECTED", { cause: new Error(`apiKey=${API_KEY} region=eu pw=${ENV_SECRET}`) }),
    );
    expect((error.cause as Error).message).toBe("apiKey=[redacted] region=eu pw=[redacted]");
  });

  it("masks the URL-encoded form of a secret", async () => {
    const { error } = await sendError({
      throws: new Error(`GET /auth?pw=${encodeURIComponent(ENV_SECRET)}`),
    });
    expect(error.message).toBe("acme failed: GET /auth?pw=[redacted]");
    expectClean(error);
  });

  it.each(["", "a", "ab", "api", "user", "12345"])(
    "masks a secret inside HTTP Basic credentials (user %j), whatever its byte offset",
    async (user) => {
      const header = `Basic ${user === "" ? b64(`${API_KEY}:x`) : basic(user, API_KEY)}`;
      const { error } = await sendError({ throws: new Error(`sent Authorization: ${header}`) });
      expect(error.message).toContain("[redacted]");
      expect(findSecret(error, [header.slice(6), API_KEY])).toBeUndefined();
    },
  );

  it("masks any secret in Basic credentials for any user name (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }),
        fc.string({ minLength: 8, maxLength: 48, unit: "grapheme-ascii" }),
        fc.string({ maxLength: 6 }),
        (user, secret, after) => {
          const encoded = b64(`${user}:${secret}${after}`);
          // The base64 characters whose 6 bits all come from the secret's bytes.
          const from = Buffer.byteLength(`${user}:`) * 8;
          const to = from + Buffer.byteLength(secret) * 8;
          const onlySecret = encoded.slice(Math.ceil(from / 6), Math.floor(to / 6));
          const masked = redactText(`Authorization: Basic ${encoded}`, secretPatterns([secret]));
          expect(masked).toContain("[redacted]");
          expect(masked).not.toContain(onlySecret);
        },
      ),
    );
  });

  it("masks a secret in a raw string or object thrown by the transport", async () => {
    const fromString = await sendError({ throws: `fatal: key ${API_KEY} refused` });
    expect(fromString.error.message).toBe("acme failed: fatal: key [redacted] refused");
    expectClean(fromString.error);
    const fromObject = await sendError({ throws: { headers: { Authorization: `Bearer ${API_KEY}` } } });
    expectClean(fromObject.error);
  });

  it("masks secrets in a network error's cause (ECONNRESET)", async () => {
    const reset = Object.assign(new Error(`read ECONNRESET (proxy auth ${ENV_SECRET})`), {
      code: "ECONNRESET",
      config: { headers: { Authorization: API_KEY } },
    });
    const { error } = await sendError({ throws: reset });
    expect(error).toMatchObject({ code: "NETWORK", outcomeUnknown: true });
    expect((error.cause as Error & { code: string }).code).toBe("ECONNRESET");
    expectClean(error);
  });

  it("masks every provider's secrets in a failover error and its errors", async () => {
    const a = scripted("a", [{ throws: sdkError() }]);
    const b = scripted("b", [fail("AUTH", { cause: new Error(`bad password ${ENV_SECRET}`) })]);
    const { clock, mailer, events } = await mailerWith([a, b]);
    const error = await rejectionOf(clock.settle(mailer.send(keyed)));
    expect(error.errors).toHaveLength(2);
    expectClean(error);
    for (const inner of error.errors) expectClean(inner);
    expectClean(events);
  });

  it("masks secrets in verify() errors", async () => {
    const provider = scripted("acme", [], { verify: { throws: sdkError() } });
    const { mailer } = await mailerWith([provider]);
    const error = await rejectionOf(mailer.verify());
    expect(error.provider).toBe("acme");
    expectClean(error);
  });

  it("masks secrets when creating the transport fails", async () => {
    const provider = scripted("acme", [], { createThrows: sdkError() });
    const error = await rejectionOf(mailerWith([provider]));
    expect(error).toMatchObject({ code: "CONFIG", provider: "acme" });
    expectClean(error);
  });

  it("masks a secret in an error's name", () => {
    const odd = Object.assign(new Error("x"), { name: `Err ${API_KEY}` });
    const safe = safeCause(odd, secretPatterns([API_KEY])) as Error;
    expect(safe.name).toBe("Err [redacted]");
  });

  it("stops at a bounded cause depth instead of copying an endless chain", () => {
    let cause: Error = new Error(`bottom ${API_KEY}`);
    for (let i = 0; i < 50; i++) cause = new Error(`level ${i}`, { cause });
    const error = redactMailError(new MailError("UNKNOWN", "outer", { cause }), secretPatterns([API_KEY]));
    expectClean(error);
  });

  it("keeps short values (under 4 characters) apart: they are masked only as whole tokens", () => {
    expect(secretPatterns(["abc", "", undefined])).toEqual({ exact: [], tokens: ["abc"] });
    expect(redactText("abcdef abc", secretPatterns(["abc"]))).toBe("abcdef [redacted]");
  });

  it("keeps events free of secrets when a retry happens", async () => {
    const provider = scripted("acme", [
      { throws: Object.assign(sdkError(), { code: "ECONNREFUSED" }) },
      "ok",
    ]);
    const { clock, mailer, events } = await mailerWith([provider], { retry: { attempts: 2 } });
    await expect(clock.settle(mailer.send(message))).resolves.toMatchObject({ messageId: "acme-2" });
    expect(events).toHaveLength(4);
    expectClean(events);
  });
});
