// MAIL_RETRY_ATTEMPTS=N means at most N requests to the vendor, whatever its SDK would do on its own
// (the AWS SDK and Brevo's client retry 429 and 5xx by themselves unless told not to).
import { createMailerFromEnv } from "@posse/mail-core";
import { createFakeClock } from "@posse/mail-core/testing";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { answerAll, envFor, VENDORS } from "./vendors.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const MESSAGE = { to: "ann@example.com", subject: "Sign in", text: "https://example.com/login/abc" };

describe.each(VENDORS)("$id", (vendor) => {
  it.each([
    ["1", 503],
    ["3", 503],
    ["3", 429],
    ["5", 500],
  ])("MAIL_RETRY_ATTEMPTS=%s with HTTP %i makes exactly that many requests", async (attempts, status) => {
    const { handler, seen } = answerAll(vendor, () => vendor.errorAnswer(status, "try again later"));
    server.use(handler);
    const clock = createFakeClock();
    const mailer = await createMailerFromEnv({
      env: envFor(vendor, { MAIL_RETRY_ATTEMPTS: attempts }),
      clock,
      random: () => 0.5,
    });
    const error = await clock.settle(mailer.send(MESSAGE), { maxTimerMs: 10_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      provider: vendor.id,
      code: status === 429 ? "RATE_LIMITED" : "UNAVAILABLE",
    });
    expect(seen).toHaveLength(Number(attempts));
    expect(seen.every((request) => request.method === seen[0]!.method && request.url === seen[0]!.url)).toBe(
      true,
    );
  });
});
