import {
  createContractMailer,
  createFakeClock,
  startHostileVendor,
  startLoopbackVendor,
} from "@posse/mail-core/testing";
import { expect, it } from "vitest";
import type { BatchConformance } from "./spec.js";
import { answering, batchTransport, closingVendors, context, normalized, THREE, TWO } from "./vendor.js";

/** When the batch leaves, how long it may take, and what a message refused before it keeps. */
export function describeBatchSending<Config>(spec: BatchConformance<Config>): void {
  const vendors = closingVendors();
  const provider = spec.definition.id;

  it("runs sendMany's beforeRequest for the batch before it leaves, and sends nothing when it refuses", async () => {
    const vendor = await startLoopbackVendor(answering(200, spec.answers.accepted));
    vendors.push(vendor);
    const mailer = await createContractMailer(spec.definition, spec.withEndpoint(vendor.url));
    const seen: { indexes: number[]; requests: number }[] = [];
    const sent = await mailer.sendMany(TWO, {
      beforeRequest: async (indexes) => {
        seen.push({ indexes: [...indexes], requests: vendor.stats.requests });
      },
    });
    expect(seen).toEqual([{ indexes: [0, 1], requests: 0 }]);
    expect(vendor.stats.requests).toBe(1);
    expect(sent.map((result) => result.ok)).toEqual([true, true]);
    const refused = await mailer.sendMany(TWO, {
      beforeRequest: async () => {
        throw new Error("not now");
      },
    });
    expect(vendor.stats.requests).toBe(1);
    expect(refused.map((result) => result.ok)).toEqual([false, false]);
  });

  it("keeps a refused message's own error when the request carrying the others fails", async () => {
    const vendor = await startLoopbackVendor(answering(503, "<html>Service Unavailable</html>"));
    vendors.push(vendor);
    const [ann, , carol] = THREE;
    const messages = normalized([ann!, spec.unsupported.message, carol!]);
    const results = await (await batchTransport(spec, vendor.url)).sendBatch(messages, context());
    expect(results.map((result) => (result as { code?: string }).code)).toEqual([
      "UNAVAILABLE",
      "UNSUPPORTED",
      "UNAVAILABLE",
    ]);
    expect(results[1]).toMatchObject({ field: spec.unsupported.field, provider });
  });

  it("closes a trickling answer's socket when the timeout fires: TIMEOUT for every message of the batch", async () => {
    const vendor = await startHostileVendor("trickle");
    vendors.push(vendor);
    const clock = createFakeClock();
    const mailer = await createContractMailer(spec.definition, spec.withEndpoint(vendor.url), {
      clock,
      timeoutMs: 5_000,
    });
    const outcome = mailer.sendMany(TWO);
    await vendor.connected();
    await clock.advance(5_000);
    const results = await outcome;
    expect(vendor.connections).toHaveLength(1);
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result).toMatchObject({ ok: false, error: { code: "TIMEOUT", provider, outcomeUnknown: true } });
    }
    expect(await vendor.allClosed(2_000)).toBe(true);
  });
}
