// A real loopback vendor that answers 200 and never ends its body: the transport reads at most
// MAX_RESPONSE_BYTES and closes the socket, and on the timeout or the caller's abort it closes the
// socket at once instead of downloading on in the background.
import { MAX_RESPONSE_BYTES, MailError } from "@posse/mail-core";
import {
  createContractMailer,
  createFakeClock,
  type HostileVendor,
  minimalMessage,
  startHostileVendor,
} from "@posse/mail-core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { brevoProvider } from "../src/index.js";

let vendor: HostileVendor | undefined;
afterEach(async () => {
  await vendor?.close();
  vendor = undefined;
});

const mailer = (endpoint: string, options: Parameters<typeof createContractMailer>[2] = {}) =>
  createContractMailer(brevoProvider, { apiKey: "xkeysib-hostile", endpoint: `${endpoint}/v3` }, options);

describe("brevo against a hostile vendor", () => {
  it("stops reading an endless answer at MAX_RESPONSE_BYTES and closes the socket", async () => {
    vendor = await startHostileVendor("endless");
    const error = await (await mailer(vendor.url)).send(minimalMessage).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    // The vendor answered, but nothing readable: not sent, and not safe to send again blindly.
    expect(error).toMatchObject({
      code: "UNKNOWN",
      provider: "brevo",
      outcomeUnknown: true,
      retryable: false,
    });
    expect(error.message).toContain(`larger than ${MAX_RESPONSE_BYTES} bytes`);
    expect(await vendor.allClosed(2_000)).toBe(true);
    // What the client read plus what the kernel buffers held: far below the hundreds of MB it was.
    expect(vendor.connections[0]!.bytesWritten).toBeLessThan(16 * MAX_RESPONSE_BYTES);
  });

  it("closes a trickling answer's socket when the timeout fires", async () => {
    vendor = await startHostileVendor("trickle");
    const clock = createFakeClock();
    const send = (await mailer(vendor.url, { clock, timeoutMs: 5_000 })).send(minimalMessage);
    const outcome = send.catch((e) => e);
    await vendor.connected();
    await clock.advance(5_000);
    expect(await outcome).toMatchObject({ code: "TIMEOUT", provider: "brevo", outcomeUnknown: true });
    expect(await vendor.allClosed(2_000)).toBe(true);
  });

  it("closes a trickling answer's socket when the caller aborts", async () => {
    vendor = await startHostileVendor("trickle");
    const controller = new AbortController();
    const send = (await mailer(vendor.url)).send(minimalMessage, { signal: controller.signal });
    const outcome = send.catch((e) => e);
    await vendor.connected();
    controller.abort();
    expect(await outcome).toMatchObject({ code: "ABORTED", provider: "brevo" });
    expect(await vendor.allClosed(2_000)).toBe(true);
  });
});
