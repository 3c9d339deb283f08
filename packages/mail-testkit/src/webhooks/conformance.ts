import { describe } from "vitest";
import { describeAuthenticity, describeBodies, describeFreshness } from "./answer-checks.js";
import { describeJoin } from "./join-check.js";
import { describeSetup } from "./setup-checks.js";
import type { WebhookConformance } from "./spec.js";
import { type WebhookTester, webhookTester } from "./tester.js";
import { describeTransport } from "./transport-checks.js";

/**
 * Defines the webhook checks every vendor's webhook must pass, in the calling test file: valid, forged, stale,
 * replayed, malformed and oversized posts, the statuses it answers, where its secret comes from, the opt-out,
 * Node's http server, the join to `send()` and the SDK-free entries. Call it at the top level of a vitest file;
 * it returns the helpers the file's own tests (the vendor's payloads and their mapping) use.
 */
export function describeWebhookConformance<Options, Payload, Config = unknown>(
  spec: WebhookConformance<Options, Payload, Config>,
): WebhookTester<Options, Payload> {
  const tester = webhookTester(spec);
  describe(`${spec.provider} webhook conformance (@posse/mail-testkit)`, () => {
    describeAuthenticity(spec, tester);
    describeFreshness(spec, tester);
    describeBodies(spec, tester);
    describeSetup(spec, tester);
    describeTransport(spec, tester);
    if (spec.join !== undefined) describeJoin(spec.join, tester);
  });
  return tester;
}
