// A 2xx that is not the vendor's success (a captive portal's HTML page, an empty JSON object) is never a
// receipt: every HTTP provider's send rejects with outcomeUnknown, and without an idempotency key the
// message is not sent again. (Which code each provider gives a body it cannot read is the provider's
// contract; an answer it reads without finding an id is UNKNOWN from the core.)
import { createMailerFromEnv } from "@posse/mail-core";
import { HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { answerAll, envFor, VENDORS } from "./vendors.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const MESSAGE = { to: "ann@example.com", subject: "Sign in", text: "https://example.com/login/abc" };
const ANSWERS: [string, () => Response][] = [
  ["a 200 HTML page", () => HttpResponse.html("<html><body>Welcome to the hotel Wi-Fi</body></html>")],
  ["a 200 empty JSON object", () => HttpResponse.json({})],
];

describe.each(VENDORS)("$id", (vendor) => {
  it.each(ANSWERS)("%s is no receipt: outcome unknown, sent once", async (_name, answer) => {
    const { handler, seen } = answerAll(vendor, answer);
    server.use(handler);
    const mailer = await createMailerFromEnv({
      env: envFor(vendor),
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    });
    try {
      await expect(mailer.send(MESSAGE)).rejects.toMatchObject({
        name: "MailError",
        provider: vendor.id,
        outcomeUnknown: true,
      });
    } finally {
      await mailer.close();
    }
    expect(seen).toHaveLength(1);
  });
});
