// A vendor endpoint whose certificate Node refuses (here: signed by a CA nobody trusts) fails the TLS
// handshake before a byte of the request is sent. Every HTTP provider says so the way SMTP does: CONFIG,
// not retryable, outcome certain. So the mailer does not retry it, and fails over to the next provider
// even when the message has no idempotency key. A real HTTPS server on loopback; no MSW here.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { createMailerFromEnv, type MailError, type SendErrorEvent } from "@posse/mail-core";
import { registerProvider } from "@posse/mail-core/provider";
import { memoryProvider } from "@posse/mail-core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envFor, VENDORS } from "./vendors.js";

// TEST-ONLY certificate for 127.0.0.1, signed by the SMTP tests' private CA (see its README).
const fixtures = new URL("../../packages/mail-smtp/test/fixtures/", import.meta.url);
const MESSAGE = { to: "ann@example.com", subject: "Sign in", text: "https://example.com/login/abc" };

let server: Server;
let endpoint: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer(
    {
      key: readFileSync(new URL("server.key", fixtures)),
      cert: readFileSync(new URL("server.pem", fixtures)),
    },
    (request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.end("{}");
    },
  );
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  registerProvider(memoryProvider("memory"));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe.each(VENDORS)("$id behind a certificate Node refuses", (vendor) => {
  it("fails with CONFIG, not retryable, certainly not sent, without retrying", async () => {
    const events: SendErrorEvent[] = [];
    const mailer = await createMailerFromEnv({
      env: envFor(vendor),
      config: { [vendor.id]: { endpoint } },
      hooks: { onError: (event) => events.push(event) },
      retry: { attempts: 3 },
    });
    const error = (await mailer.send(MESSAGE).catch((caught: unknown) => caught)) as MailError;
    expect(error).toMatchObject({
      name: "MailError",
      code: "CONFIG",
      provider: vendor.id,
      retryable: false,
      outcomeUnknown: false,
    });
    expect(error.message).toContain(
      `the TLS handshake with ${vendor.id} failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE): check the endpoint's ` +
        "host name and certificate; nothing was sent",
    );
    expect(events.map((event) => [event.attempt, event.error.code, event.willRetry])).toEqual([
      [1, "CONFIG", false],
    ]);
    await expect(mailer.verify()).rejects.toMatchObject({ code: "CONFIG", outcomeUnknown: false });
    expect(requests).toEqual([]);
  });

  it("fails over to the next provider for a message without an idempotency key", async () => {
    const mailer = await createMailerFromEnv({
      env: envFor(vendor, { MAIL_PROVIDER: `${vendor.id},memory` }),
      config: { [vendor.id]: { endpoint } },
      retry: { attempts: 3 },
    });
    await expect(mailer.send(MESSAGE)).resolves.toEqual({ provider: "memory", messageId: "memory-1" });
    expect(requests).toEqual([]);
  });
});
