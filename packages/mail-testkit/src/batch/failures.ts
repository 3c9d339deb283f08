import { MAX_RESPONSE_BYTES } from "@posse/mail-core/provider";
import {
  createContractMailer,
  endlessAnswer,
  findSecret,
  startLoopbackVendor,
} from "@posse/mail-core/testing";
import { expect, it } from "vitest";
import type { BatchConformance, BatchFailure } from "./spec.js";
import { answering, batchTransport, closingVendors, context, normalized, THREE, TWO } from "./vendor.js";

const RATE_LIMITED = { code: "RATE_LIMITED", retryable: true, retryAfterMs: 7000 };

/** Failures of the whole request: each rejects `sendBatch` with its error, secrets masked. */
export function describeBatchFailures<Config>(spec: BatchConformance<Config>): void {
  const vendors = closingVendors();
  const provider = spec.definition.id;
  const rateLimited: BatchFailure = {
    name: "the rate limit",
    status: 429,
    body: spec.answers.rateLimited,
    headers: { "Retry-After": "7" },
    expected: RATE_LIMITED,
  };
  const rows = [rateLimited, ...spec.failures].map((f) => [f.name, f.status, f] as const);

  it.each(rows)("rejects with the error of %s (HTTP %i)", async (_, status, failure) => {
    const vendor = await startLoopbackVendor(answering(status, failure.body, failure.headers));
    vendors.push(vendor);
    const error = await (await batchTransport(spec, vendor.url))
      .sendBatch(normalized(THREE), context())
      .catch((e) => e);
    expect(error).toMatchObject({ name: "MailError", provider, status, ...failure.expected });
    expect(findSecret(error, spec.secrets)).toBeUndefined();
  });

  it("gives every message the RATE_LIMITED of a 429 to the whole batch, through mailer.sendMany", async () => {
    const vendor = await startLoopbackVendor(
      answering(429, spec.answers.rateLimited, { "Retry-After": "7" }),
    );
    vendors.push(vendor);
    const mailer = await createContractMailer(spec.definition, spec.withEndpoint(vendor.url));
    const results = await mailer.sendMany(TWO);
    expect(vendor.stats.requests).toBe(1);
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result).toMatchObject({
        ok: false,
        error: { code: "RATE_LIMITED", provider, status: 429, retryAfterMs: 7000 },
      });
    }
  });

  it("follows no redirect: a 307 rejects with an error of unknown outcome", async () => {
    const target = await startLoopbackVendor(answering(200, spec.answers.empty));
    const vendor = await startLoopbackVendor((response) => {
      response.writeHead(307, { location: `${target.url}${spec.path}` });
      response.end();
    });
    vendors.push(target, vendor);
    const error = await (await batchTransport(spec, vendor.url))
      .sendBatch(normalized(THREE), context())
      .catch((e) => e);
    expect(target.stats.requests).toBe(0);
    expect(error).toMatchObject({
      name: "MailError",
      code: "UNKNOWN",
      provider,
      status: 307,
      outcomeUnknown: true,
    });
  });

  it("stops reading an endless 200 and rejects with UNKNOWN and its status", async () => {
    const vendor = await startLoopbackVendor(endlessAnswer(200, spec.answers.endless));
    vendors.push(vendor);
    const error = await (await batchTransport(spec, vendor.url))
      .sendBatch(normalized(THREE), context())
      .catch((e) => e);
    await vendor.closed;
    // The limit plus what loopback socket buffers and stream queues hold when the reader stops.
    expect(vendor.stats.written).toBeLessThan(MAX_RESPONSE_BYTES + 12 * 1024 * 1024);
    expect(error).toMatchObject({
      name: "MailError",
      code: "UNKNOWN",
      provider,
      status: 200,
      outcomeUnknown: true,
    });
  });
}
