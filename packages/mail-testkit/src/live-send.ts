import { createMailerFromEnv, type ProviderDefinition } from "@posse/mail-core";
import { describe, expect, it } from "vitest";

/** What every live send needs besides the provider's own variables: the vendor-verified sender and a recipient. */
const LIVE_VARIABLES = ["MAIL_FROM_ADDRESS", "POSSE_LIVE_TO"] as const;

/** The variables a live send through `definition` needs: the ones that select it, then the sender and recipient. */
export function liveSendVariables<Config>(definition: ProviderDefinition<Config>): string[] {
  const own = definition.detectWith ?? definition.env.filter((v) => v.required).map((v) => v.name);
  return [...own, ...LIVE_VARIABLES];
}

/**
 * Sends one real message through the vendor when its variables, `MAIL_FROM_ADDRESS` and `POSSE_LIVE_TO`
 * are set: a mailer from the environment (with `MAIL_PROVIDER` set to this provider), its `verify()`, then
 * `send()`. Without them the test is reported as skipped, its name listing the variables it needs. Call it at
 * the top level of a `*.live.test.ts` file after importing the provider, and keep such files out of the
 * ordinary test run: they reach the internet.
 */
export function describeLiveSend<Config>(definition: ProviderDefinition<Config>): void {
  const needs = liveSendVariables(definition);
  const missing = needs.filter((name) => !process.env[name]);
  const title =
    missing.length === 0
      ? `sends a real message through ${definition.label} to POSSE_LIVE_TO`
      : `sends a real message through ${definition.label}: skipped, set ${missing.join(", ")}`;
  describe(`${definition.label}, live`, () => {
    it.skipIf(missing.length > 0)(
      title,
      async () => {
        const env = { ...process.env, MAIL_PROVIDER: definition.id };
        const mailer = await createMailerFromEnv({ env });
        try {
          await mailer.verify();
          const receipt = await mailer.send({
            to: process.env.POSSE_LIVE_TO as string,
            subject: `posse-mail live test: ${definition.label}`,
            text: `Sent by the live test of ${definition.packageName ?? definition.id} at ${new Date().toISOString()}.`,
          });
          expect(receipt.provider).toBe(definition.id);
          expect(receipt.messageId).toMatch(/\S/);
        } finally {
          await mailer.close();
        }
      },
      60_000,
    );
  });
}
