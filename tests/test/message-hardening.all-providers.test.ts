// What every HTTP vendor receives for hostile message objects: a getter that turns into CRLF after its
// first read sends the value that was validated, and an X-Idempotency-Key header the caller also set
// (in any case) goes out once. Vendors are mocked at the network layer; the request body is inspected.
import { createMailerFromEnv, type MailAddress } from "@posse/mail-core";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { answerAll, envFor, VENDORS } from "./vendors.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** A recipient whose name reads "Ann" once, then a header injection on every later read. */
function shiftyRecipient(): MailAddress {
  let reads = 0;
  return Object.defineProperty({ address: "ann@example.com" }, "name", {
    enumerable: true,
    get: () => (reads++ === 0 ? "Ann" : "Ann\r\nBcc: mallory@evil.example"),
  }) as MailAddress;
}

/** Sends `message` through `vendor` (which answers with an error) and returns the request body it got. */
async function bodySentTo(vendor: (typeof VENDORS)[number], message: Parameters<typeof send>[0]) {
  const bodies: string[] = [];
  const { handler } = answerAll(vendor, async (request) => {
    bodies.push(await request.text());
    return vendor.errorAnswer(400, "refused for the test");
  });
  server.use(handler);
  await send(message, vendor).catch(() => {});
  expect(bodies).toHaveLength(1);
  return bodies[0]!;
}

async function send(message: Record<string, unknown>, vendor: (typeof VENDORS)[number]) {
  const mailer = await createMailerFromEnv({ env: envFor(vendor), retry: { attempts: 1 } });
  try {
    return await mailer.send({ subject: "Sign in", text: "Hi", ...message } as never);
  } finally {
    await mailer.close();
  }
}

const CARRIES_HEADER = new Set(["amazon_ses", "mailgun", "postmark", "sendgrid", "mailjet"]);

describe.each(VENDORS)("$id", (vendor) => {
  it("receives the recipient as validated, not what a getter returns later", async () => {
    const body = await bodySentTo(vendor, { to: shiftyRecipient() });
    expect(body).toContain("ann@example.com");
    expect(body).not.toContain("evil.example");
  });

  it("receives the idempotency key once when the caller's headers repeat it as x-idempotency-key", async () => {
    const body = await bodySentTo(vendor, {
      to: "ann@example.com",
      idempotencyKey: "order-42-receipt",
      headers: { "x-idempotency-key": "order-42-receipt", "X-Ref": "r-1" },
    });
    // Resend and Brevo carry the key natively (an HTTP header), the others as this e-mail header.
    expect(body.match(/x-idempotency-key/gi) ?? []).toHaveLength(CARRIES_HEADER.has(vendor.id) ? 1 : 0);
  });
});

describe("postmark", () => {
  const postmark = VENDORS.find((vendor) => vendor.id === "postmark")!;

  it("gets exactly the validated To and one X-Idempotency-Key header", async () => {
    const body = JSON.parse(
      await bodySentTo(postmark, {
        to: shiftyRecipient(),
        idempotencyKey: "order-42-receipt",
        headers: { "x-idempotency-key": "order-42-receipt" },
      }),
    );
    expect(body.To).toBe("Ann <ann@example.com>");
    expect(body.Headers).toEqual([{ Name: "X-Idempotency-Key", Value: "order-42-receipt" }]);
  });
});
