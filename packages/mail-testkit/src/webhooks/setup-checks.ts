import { MailError } from "@posse/mail-core";
import { findSecret } from "@posse/mail-core/testing";
import { describe, expect, it, vi } from "vitest";
import { answersOf, type WebhookConformance } from "./spec.js";
import type { WebhookTester } from "./tester.js";

/** Where the secret comes from, what happens without one, and the explicit opt-out. */
export function describeSetup<Options, Payload, Config>(
  spec: WebhookConformance<Options, Payload, Config>,
  tester: WebhookTester<Options, Payload>,
): void {
  const answers = answersOf(spec);

  it("reads the secret from the environment", async () => {
    const answer = await tester.deliver(tester.valid(spec.sample), spec.fromEnv);
    expect(answer.status, answer.text).toBe(answers.accepted);
  });

  describe("refuses to start with a CONFIG error naming what to set, and no secret", () => {
    it.each(Object.entries(spec.unconfigured))("%s", (_, { options, field, message = field }) => {
      let error: unknown;
      try {
        spec.webhook(options);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(MailError);
      expect(error).toMatchObject({ code: "CONFIG", provider: spec.provider, field });
      expect((error as MailError).message).toContain(message);
      expect(findSecret(error, spec.secrets)).toBeUndefined();
    });
  });

  // Core warns once per provider and process: this must be the first insecure webhook the test file creates.
  it(`accepts unverified posts only when opted out explicitly, and warns once`, async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const endpoint = tester.endpoint(spec.insecure);
      spec.webhook(spec.insecure);
      // Warned when the first was created, not again for the second, nor below for a request.
      expect(warn).toHaveBeenCalledTimes(1);
      expect((await endpoint.post(spec.unsigned(spec.sample))).status).toBe(answers.accepted);
      expect(endpoint.events.length).toBeGreaterThan(0);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain(`${spec.provider} webhook VERIFIES NOTHING`);
    } finally {
      warn.mockRestore();
    }
  });

  it(`still verifies when a secret is configured beside insecureNoVerification (${answers.forged} unsigned), and warns nothing`, async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const options = { ...spec.options, insecureNoVerification: true };
      expect((await tester.deliver(spec.unsigned(spec.sample), options)).status).toBe(answers.forged);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
}
