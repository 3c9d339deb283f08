import { describe } from "vitest";
import { describeBatchFailures } from "./failures.js";
import { describeBatchSending } from "./sending.js";
import type { BatchConformance } from "./spec.js";

/**
 * The cases every provider's `sendBatch` shares, against its vendor's answers served on real loopback sockets:
 * failures of the whole request, a redirect not followed, endless and trickling answers, `beforeRequest`.
 */
export function describeBatchConformance<Config>(spec: BatchConformance<Config>): void {
  describe(`${spec.definition.id} batch over a real socket`, () => {
    describeBatchSending(spec);
    describeBatchFailures(spec);
  });
}
