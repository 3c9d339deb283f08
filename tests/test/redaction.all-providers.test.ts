// Every secret variable of every provider is seeded with a unique marker; each vendor then fails every way
// it can, echoing our own credentials and request headers back in its error text. No marker (nor a Basic
// encoding of one) may surface in an error, its causes, its JSON, util.inspect, an event or console output.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { createMailerFromEnv, type MailError, type Mailer } from "@posse/mail-core";
import { MAX_RESPONSE_BYTES } from "@posse/mail-core/provider";
import { findSecret } from "@posse/mail-core/testing";
import { HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { answerAll, envFor, partialEchoes, VENDORS, type Vendor } from "./vendors.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.restoreAllMocks();
});
afterAll(() => server.close());

const MESSAGE = { to: "ann@example.com", subject: "Sign in", text: "https://example.com/login/abc" };

/** Runs `act` with every event and every console / stdout / stderr write captured. */
async function observe<T>(act: (hooks: object) => Promise<T>) {
  const printed: string[] = [];
  const capture = (...args: unknown[]) => {
    printed.push(args.map(String).join(" "));
    return true;
  };
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation(capture);
  }
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
  const events: unknown[] = [];
  const hooks = {
    onSend: (event: unknown) => events.push(event),
    onSent: (event: unknown) => events.push(event),
    onError: (event: unknown) => events.push(event),
  };
  let outcome: T;
  try {
    outcome = await act(hooks);
  } finally {
    vi.restoreAllMocks();
  }
  return { outcome, events, printed: printed.join("\n") };
}

const FAILURES: [string, (echo: string) => Response][] = [
  ["400", (echo) => HttpResponse.json({ message: echo }, { status: 400 })],
  ["401", (echo) => HttpResponse.text(`Forbidden ${echo}`, { status: 401 })],
  ["403", (echo) => HttpResponse.json({ message: echo }, { status: 403 })],
  ["429", (echo) => HttpResponse.json({ message: echo }, { status: 429, headers: { "retry-after": "1" } })],
  ["500", (echo) => HttpResponse.json({ message: echo }, { status: 500 })],
  ["502 html", (echo) => new HttpResponse(`<html>${echo}</html>`, { status: 502 })],
  ["network", () => HttpResponse.error()],
];

describe.each(VENDORS)("$id never leaks a secret", (vendor) => {
  const echoOf = (request: Request) =>
    `you sent ${vendor.secrets.join(" ")} in ${JSON.stringify(Object.fromEntries(request.headers))}`;

  it.each(["400", "401", "403", "429", "500", "503"])(
    "in the vendor's own %s error shape",
    async (status) => {
      const { handler, seen } = answerAll(vendor, (request) =>
        vendor.errorAnswer(Number(status), echoOf(request)),
      );
      server.use(handler);
      const result = await observe(async (hooks) => {
        const mailer = await createMailerFromEnv({ env: envFor(vendor), hooks, retry: { attempts: 1 } });
        return mailer.send(MESSAGE).catch((error: unknown) => error);
      });
      expect(seen.length).toBe(1);
      expect(result.outcome).toMatchObject({ name: "MailError", provider: vendor.id });
      expect(findSecret(result.outcome, vendor.secrets)).toBeUndefined();
      expect(findSecret(result.events, vendor.secrets)).toBeUndefined();
      expect(findSecret(result.printed, vendor.secrets)).toBeUndefined();
    },
  );

  it.each(FAILURES)("in a generic %s answer, for send and verify", async (_, answer) => {
    const { handler, seen } = answerAll(vendor, (request) => answer(echoOf(request)));
    server.use(handler);
    const result = await observe(async (hooks) => {
      const mailer = await createMailerFromEnv({ env: envFor(vendor), hooks, retry: { attempts: 1 } });
      return [
        await mailer.send(MESSAGE).catch((error: unknown) => error),
        await mailer.verify().catch((error: unknown) => error),
      ];
    });
    expect(seen.length).toBe(2);
    for (const error of result.outcome as unknown[]) {
      expect(error).toMatchObject({ name: "MailError", provider: vendor.id });
      expect(findSecret(error, vendor.secrets)).toBeUndefined();
    }
    expect(findSecret(result.events, vendor.secrets)).toBeUndefined();
    expect(findSecret(result.printed, vendor.secrets)).toBeUndefined();
  });
});

const b64 = (text: string) => Buffer.from(text).toString("base64");

// A password of 1-3 characters is masked too, as a whole token: raw, and inside the base64 of SMTP's AUTH
// PLAIN (`\0user\0password`) and AUTH LOGIN (the password alone) and of HTTP Basic (`user:password`).
describe.each(["marker-smtp-password-11", "p@1"])("smtp never leaks the password %j", (PASSWORD) => {
  const secrets = [PASSWORD, b64(`\0mailer\0${PASSWORD}`), b64(PASSWORD), b64(`mailer:${PASSWORD}`)];
  let smtp: SMTPServer;
  let port: number;
  beforeAll(async () => {
    smtp = new SMTPServer({
      allowInsecureAuth: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      // A careless server that repeats what it was given, raw and encoded, in its rejection.
      onAuth(auth, _session, callback) {
        const { username } = auth;
        const password = auth.password ?? "";
        callback(
          new Error(
            `Invalid login ${username}/${password} (PLAIN ${b64(`\0${username}\0${password}`)}, ` +
              `LOGIN ${b64(password)}, Basic ${b64(`${username}:${password}`)})`,
          ),
        );
      },
    });
    smtp.listen(0, "127.0.0.1");
    await once(smtp.server, "listening");
    ({ port } = smtp.server.address() as AddressInfo);
  });
  afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

  it("in an AUTH failure, for send and verify", async () => {
    let mailer: Mailer | undefined;
    const result = await observe(async (hooks) => {
      mailer = await createMailerFromEnv({
        env: {
          MAIL_PROVIDER: "smtp",
          MAIL_FROM_ADDRESS: "app@example.com",
          SMTP_HOST: "127.0.0.1",
          SMTP_PORT: String(port),
          SMTP_ENABLE_STARTTLS: "false",
          SMTP_USERNAME: "mailer",
          SMTP_PASSWORD: PASSWORD,
        },
        hooks,
        retry: { attempts: 1 },
      });
      return [
        await mailer.send(MESSAGE).catch((error: unknown) => error),
        await mailer.verify().catch((error: unknown) => error),
      ] as MailError[];
    });
    await mailer?.close();
    for (const error of result.outcome) {
      expect(error).toMatchObject({ name: "MailError", code: "AUTH", provider: "smtp" });
      // A long secret's base64 characters are masked where they hold its bits; a short one's whole token.
      expect(error.message).toContain(
        PASSWORD.length < 4
          ? "Invalid login mailer/[redacted] (PLAIN [redacted], LOGIN [redacted], Basic [redacted])"
          : "Invalid login mailer/[redacted] (PLAIN AG1haWxlcgB[redacted]Q==, LOGIN [redacted]=, Basic bWFpbGVyOm[redacted])",
      );
      expect(findSecret(error, secrets)).toBeUndefined();
    }
    expect(findSecret(result.events, secrets)).toBeUndefined();
    expect(findSecret(result.printed, secrets)).toBeUndefined();
  });
});

// Where providers used to cut a vendor's text (SendGrid 300, Brevo and Mailjet 200 characters) before core
// redacted it, leaving a key minus its last characters, and where core now cuts (1000).
const CUT_POINTS = [199, 200, 201, 299, 300, 301, 999, 1000, 1001];
/** Longest `error.message`, the cut marker included. */
const MAX_MESSAGE = 1000;

const BODY_FORMATS: [string, (vendor: Vendor, status: number, text: string) => Response][] = [
  ["JSON in the vendor's shape", (vendor, status, text) => vendor.errorAnswer(status, text)],
  ["plain-text", (_, status, text) => HttpResponse.text(text, { status })],
  ["HTML", (_, status, text) => new HttpResponse(text, { status, headers: { "content-type": "text/html" } })],
];

/** True when `text` holds a character that can forge a log line (C0, DEL, C1, bidi, line separators). */
function hasControl(text: string): boolean {
  return [...text].some((char) => {
    const code = char.codePointAt(0)!;
    return (
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x061c ||
      code === 0x200e ||
      code === 0x200f ||
      (code >= 0x2028 && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069)
    );
  });
}

/** The request header that carries the vendor's credential, as a careless vendor would echo it. */
function credentialHeader(request: Request): string {
  for (const name of ["authorization", "x-postmark-server-token", "api-key"]) {
    const value = request.headers.get(name);
    if (value) return `${name}: ${value}`;
  }
  throw new Error("no credential header");
}

/** `echo` placed so that its last character is character `end` (1-based) of the text. */
const endingAt = (end: number, echo: string, after = " was not accepted") =>
  `${"#".repeat(Math.max(0, end - echo.length - 1))} ${echo}${after}`;

/** One send and one verify with no retry, everything observed. */
async function sendAndVerify(vendor: Vendor, message: object = MESSAGE) {
  return observe(async (hooks) => {
    const mailer = await createMailerFromEnv({ env: envFor(vendor), hooks, retry: { attempts: 1 } });
    return [
      await mailer.send(message as typeof MESSAGE).catch((error: unknown) => error),
      await mailer.verify().catch((error: unknown) => error),
    ] as MailError[];
  });
}

/** Asserts what a user can see of the errors holds no secret, no cut-off piece of one, no control character, and is bounded. */
function expectSafe(vendor: Vendor, result: Awaited<ReturnType<typeof sendAndVerify>>) {
  const pieces = partialEchoes(vendor.keys);
  const errors = [
    ...result.outcome,
    ...result.events.flatMap((event) => (event as { error?: MailError }).error ?? []),
  ];
  for (const error of result.outcome) expect(error).toMatchObject({ name: "MailError", provider: vendor.id });
  for (const seen of [...result.outcome, result.events, result.printed]) {
    expect(findSecret(seen, vendor.secrets)).toBeUndefined();
    expect(findSecret(seen, pieces)).toBeUndefined();
  }
  for (const error of errors) {
    expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(hasControl(error.message)).toBe(false);
    expect(hasControl(JSON.stringify(error))).toBe(false);
  }
}

describe.each(VENDORS)("$id masks an echoed secret before anything cuts the text", (vendor) => {
  describe.each(BODY_FORMATS)("in a %s error body", (_, format) => {
    it.each(CUT_POINTS)("ending at character %i", async (end) => {
      const echoes = [...vendor.keys.map((key) => () => key), credentialHeader];
      for (const echo of echoes) {
        const { handler, seen } = answerAll(vendor, (request) =>
          format(vendor, 400, endingAt(end, echo(request))),
        );
        server.use(handler);
        const result = await sendAndVerify(vendor);
        expect(seen.length).toBe(2);
        expectSafe(vendor, result);
        server.resetHandlers();
      }
    });
  });
});

describe.each(VENDORS)("$id bounds vendor text in an error and escapes its control characters", (vendor) => {
  it.each([
    ["600 KB", 600_000],
    ["5 MB", 5_000_000],
  ])("a %s error field", async (_, size) => {
    const { handler } = answerAll(vendor, (request) => {
      const echo = `${vendor.keys.join(" ")} ${credentialHeader(request)}`;
      return vendor.errorAnswer(400, `invalid ${echo} ${"field ".repeat(size / 6)} ${echo}`);
    });
    server.use(handler);
    const result = await sendAndVerify(vendor);
    expectSafe(vendor, result);
    for (const error of result.outcome) {
      expect(inspect(error, { depth: null, showHidden: true }).length).toBeLessThan(40_000);
    }
    expect(inspect(result.events, { depth: null }).length).toBeLessThan(40_000);
  });

  it("line breaks, terminal escapes and bidi controls in a vendor's message", async () => {
    const forged =
      "denied\r\n2026-12-02T14:00:00Z INFO mail sent to ann@example.com\x1b[2K\x1b]0;pwned\x07\u202egnp.exe\u2028ok";
    const { handler } = answerAll(vendor, () => vendor.errorAnswer(400, forged));
    server.use(handler);
    const result = await sendAndVerify(vendor);
    expectSafe(vendor, result);
    // The vendor's words are kept, escaped: a reader still sees what the vendor said.
    const [sendError] = result.outcome;
    expect(sendError!.message).toContain(
      "denied\\r\\n2026-12-02T14:00:00Z INFO mail sent to ann@example.com\\x1b[2K\\x1b]0;pwned\\x07\\u202egnp.exe\\u2028ok",
    );
  });
});

describe.each(VENDORS)("$id carries neither the request nor a huge HTML answer into an error", (vendor) => {
  // Twice the 1 MiB answer limit, the echo both in what is read and beyond it: a 32 MB page did the same
  // for each vendor with 30 MB more in the test process.
  it("an HTML page twice the answer limit echoing the message, its attachment and the credentials", async () => {
    const BODY = "message-body-marker-4d1c";
    const ATTACHMENT = "attachment-content-marker-9e2f";
    const { handler } = answerAll(vendor, (request) => {
      const head = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>${"<p>The upstream server did not answer.</p>".repeat(60)}`;
      const echo = `<pre>${credentialHeader(request)} ${vendor.keys.join(" ")} ${BODY} ${ATTACHMENT}</pre>`;
      const block = "<div>padding</div>";
      const padding = block.repeat(Math.ceil((2 * MAX_RESPONSE_BYTES) / block.length));
      const page = `${head}${echo}${padding}${echo}</body></html>`;
      return new HttpResponse(page, { status: 502, headers: { "content-type": "text/html" } });
    });
    server.use(handler);
    const result = await sendAndVerify(vendor, {
      ...MESSAGE,
      text: BODY,
      attachments: [{ filename: "trace.txt", content: ATTACHMENT }],
    });
    expectSafe(vendor, result);
    for (const seen of [...result.outcome, result.events, result.printed]) {
      expect(
        findSecret(seen, [BODY, ATTACHMENT, Buffer.from(ATTACHMENT).toString("base64")]),
      ).toBeUndefined();
    }
    for (const error of result.outcome) {
      expect(inspect(error, { depth: null, showHidden: true }).length).toBeLessThan(40_000);
    }
    expect(inspect(result.events, { depth: null }).length).toBeLessThan(40_000);
  });
});
