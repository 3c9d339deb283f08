import { type CreateMailerOptions, MailError, type Mailer } from "@posse/mail-core";
import { MAX_RESPONSE_BYTES } from "@posse/mail-core/provider";
import {
  createFakeClock,
  type HostileVendor,
  minimalMessage,
  startHostileVendor,
} from "@posse/mail-core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeMisleadingAnswers } from "./misleading-answers.js";
import type { ProviderConformance } from "./spec.js";

/** The size limit plus what loopback socket buffers can hold when the reader stops (the SDKs read on without end). */
const WRITTEN_AT_MOST = MAX_RESPONSE_BYTES + 8 * 1024 * 1024;
/** How long after a send settles its socket must be closed: tens of ms when idle, slack for a loaded CI box. */
const CLOSE_WITHIN_MS = 500;

/**
 * Defines the real-socket checks of an HTTP provider: against a loopback vendor that answers 200 and never
 * ends its body, a send reads at most {@link MAX_RESPONSE_BYTES}, and the size limit, the timeout and the
 * caller's abort each close the socket at once instead of downloading on in the background.
 */
export function describeHostileAnswers<Config>(
  spec: ProviderConformance<Config>,
  mailer: (options: Partial<CreateMailerOptions>, config: Config) => Promise<Mailer>,
): void {
  const id = spec.definition.id;

  /** Starts the vendor, lets its requests past MSW, runs `check`, and stops the vendor. */
  async function against(mode: "endless" | "trickle", check: (vendor: HostileVendor) => Promise<void>) {
    const vendor = await startHostileVendor(mode);
    try {
      await check(vendor);
    } finally {
      await vendor.close();
    }
  }

  /** Expects every socket closed, within {@link CLOSE_WITHIN_MS} of the send settling at `settledAt`. */
  async function expectClosedSince(vendor: HostileVendor, settledAt: number) {
    expect(await vendor.allClosed(1_000)).toBe(true);
    for (const connection of vendor.connections)
      expect(connection.closedAt! - settledAt).toBeLessThan(CLOSE_WITHIN_MS);
  }

  /** Resolves once the answer's body has started to trickle in over the socket. */
  async function trickling(vendor: HostileVendor) {
    await vendor.connected();
    while (vendor.connections[0]!.bytesWritten < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = vendor.connections[0]!.bytesWritten;
    while (vendor.connections[0]!.bytesWritten < started + 3)
      await new Promise((resolve) => setTimeout(resolve, 5));
  }

  describe("over a real socket, an answer that never ends is capped and torn down", () => {
    // With MSW's interceptors on, an endless answer's socket stayed open for fetch-based providers (Brevo,
    // Postmark) however the provider capped it: these checks run with the mocked network switched off.
    beforeAll(() => spec.server.close());
    afterAll(() => spec.server.listen({ onUnhandledRequest: "error" }));

    it(`reads an endless 200 to at most MAX_RESPONSE_BYTES, closes the socket: UNKNOWN, outcome unknown, sent once`, async () => {
      await against("endless", async (vendor) => {
        // Retries allowed and a timeout far off: the size limit, not the clock, must end this one.
        const sender = await mailer(
          { timeoutMs: 10_000, retry: { attempts: 3 } },
          spec.withEndpoint(vendor.url),
        );
        const error = await sender.send(minimalMessage).catch((e: unknown) => e);
        const settledAt = Date.now();
        expect(error).toBeInstanceOf(MailError);
        // The vendor answered, but nothing readable: not sent, and not safe to send again blindly.
        expect(error).toMatchObject({
          code: "UNKNOWN",
          provider: id,
          outcomeUnknown: true,
          retryable: false,
        });
        expect((error as Error).message).toContain(`larger than ${MAX_RESPONSE_BYTES} bytes`);
        expect(vendor.connections).toHaveLength(1);
        await expectClosedSince(vendor, settledAt);
        expect(vendor.connections[0]!.bytesWritten).toBeLessThan(WRITTEN_AT_MOST);
      });
    });

    it("closes a trickling answer's socket when the timeout fires on the injected clock: TIMEOUT", async () => {
      await against("trickle", async (vendor) => {
        const clock = createFakeClock();
        const sender = await mailer({ clock, timeoutMs: 5_000 }, spec.withEndpoint(vendor.url));
        const outcome = sender.send(minimalMessage).catch((e: unknown) => e);
        await trickling(vendor);
        await clock.advance(5_000);
        const error = await outcome;
        const settledAt = Date.now();
        expect(error).toMatchObject({ code: "TIMEOUT", provider: id, outcomeUnknown: true });
        expect(vendor.connections).toHaveLength(1);
        await expectClosedSince(vendor, settledAt);
        expect(vendor.connections[0]!.bytesWritten).toBeLessThan(WRITTEN_AT_MOST);
      });
    });

    it("closes a trickling answer's socket when the caller aborts: ABORTED", async () => {
      await against("trickle", async (vendor) => {
        const sender = await mailer({ timeoutMs: 60_000 }, spec.withEndpoint(vendor.url));
        const controller = new AbortController();
        const outcome = sender.send(minimalMessage, { signal: controller.signal }).catch((e: unknown) => e);
        await trickling(vendor);
        controller.abort();
        const error = await outcome;
        const settledAt = Date.now();
        expect(error).toMatchObject({ code: "ABORTED", provider: id });
        expect(vendor.connections).toHaveLength(1);
        await expectClosedSince(vendor, settledAt);
      });
    });
  });

  describeMisleadingAnswers(spec, mailer);
}
