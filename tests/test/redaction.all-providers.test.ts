// Every secret variable of every provider is seeded with a unique marker; each vendor then fails every way
// it can, echoing our own credentials and request headers back in its error text. No marker (nor a Basic
// encoding of one) may surface in an error, its causes, its JSON, util.inspect, an event or console output.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createMailerFromEnv, type Mailer } from "@posse/mail-core";
import { findSecret } from "@posse/mail-core/testing";
import { HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { answerAll, envFor, VENDORS } from "./vendors.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.restoreAllMocks();
});
afterAll(() => server.close());

const MESSAGE = { to: "ann@example.com", subject: "Sign in", text: "https://example.com/login/abc" };

/** Runs `act` with every event and every console / stdout / stderr write captured. */
async function observe(act: (hooks: object) => Promise<unknown>) {
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
  let outcome: unknown;
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

describe("smtp never leaks the password", () => {
  const PASSWORD = "marker-smtp-password-11";
  const secrets = [PASSWORD, Buffer.from(`\0mailer\0${PASSWORD}`).toString("base64")];
  let smtp: SMTPServer;
  let port: number;
  beforeAll(async () => {
    smtp = new SMTPServer({
      allowInsecureAuth: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      // A careless server that repeats what it was given, in its reply and in its rejection.
      onAuth(auth, _session, callback) {
        callback(new Error(`Invalid login ${auth.username}/${auth.password}`));
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
      ];
    });
    await mailer?.close();
    for (const error of result.outcome as unknown[]) {
      expect(error).toMatchObject({ name: "MailError", code: "AUTH", provider: "smtp" });
      expect(findSecret(error, secrets)).toBeUndefined();
    }
    expect(findSecret(result.events, secrets)).toBeUndefined();
    expect(findSecret(result.printed, secrets)).toBeUndefined();
  });
});
