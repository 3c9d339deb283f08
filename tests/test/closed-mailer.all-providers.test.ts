// After close(), no provider sends: send and verify reject at once with one non-retryable ABORTED error
// saying the mailer is closed and nothing was sent; no request reaches any vendor, no message the SMTP
// server. Every HTTP vendor is mocked at the network layer and counts what reaches it.
import { createMailerFromEnv, type Mailer } from "@posse/mail-core";
import { HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type SmtpSink, startSmtpSink } from "./smtp-sink.js";
import { answerAll, envFor, VENDORS } from "./vendors.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const MESSAGE = { to: "ann@example.com", subject: "Sign in", text: "https://example.com/login/abc" };
const CLOSED = {
  name: "MailError",
  code: "ABORTED",
  message: "the mailer is closed: nothing was sent",
  retryable: false,
  outcomeUnknown: false,
};

async function expectClosed(mailer: Mailer) {
  const first = mailer.close();
  expect(mailer.close()).toBe(first);
  await first;
  await expect(mailer.send(MESSAGE)).rejects.toMatchObject(CLOSED);
  await expect(mailer.send({ ...MESSAGE, idempotencyKey: "k-1" })).rejects.toMatchObject(CLOSED);
  await expect(mailer.verify()).rejects.toMatchObject(CLOSED);
}

describe.each(VENDORS)("a closed $id mailer", (vendor) => {
  it("sends nothing and verifies nothing", async () => {
    // Whatever reaches the vendor is counted; the answer does not matter, there must be none.
    const { handler, seen } = answerAll(vendor, () => HttpResponse.json({}, { status: 500 }));
    server.use(handler);
    const mailer = await createMailerFromEnv({ env: envFor(vendor), retry: { attempts: 1 } });
    await expectClosed(mailer);
    expect(seen.map((request) => `${request.method} ${new URL(request.url).pathname}`)).toEqual([]);
  });
});

describe("a closed smtp mailer", () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());

  it("sends nothing, and says so instead of a retryable NETWORK error", async () => {
    const mailer = await createMailerFromEnv({
      env: {
        MAIL_PROVIDER: "smtp",
        MAIL_FROM_ADDRESS: "app@example.com",
        SMTP_HOST: "127.0.0.1",
        SMTP_PORT: String(sink.port),
        SMTP_ENABLE_STARTTLS: "false",
      },
      retry: { attempts: 1 },
    });
    await mailer.send(MESSAGE);
    expect(sink.received).toHaveLength(1);
    await expectClosed(mailer);
    expect(sink.received).toHaveLength(1);
  });
});
