import {
  parseJsonBody,
  resolveSharedSecret,
  type SharedSecretWebhookOptions,
  verifySharedSecret,
  type WebhookDefinition,
  WebhookError,
} from "@posse/mail-core";
import { mapBrevoEvent, recordsOf } from "./map-event.js";

/**
 * Settings of the Brevo webhook: the token of the webhook's bearer auth (`bearer`), the Basic credentials of the
 * registered URL (`basic`), or a custom header (`header`). When none is given, `BREVO_WEBHOOK_TOKEN` or
 * `BREVO_WEBHOOK_USERNAME` + `BREVO_WEBHOOK_PASSWORD` are read.
 */
export interface BrevoWebhookOptions extends SharedSecretWebhookOptions {
  /** Epoch ms, for an event without a time; `Date.now` by default. */
  readonly now?: () => number;
}

/** Verifies and normalizes Brevo's transactional webhook posts (one record, or an array when batched; no signature: shared secrets). */
export function brevoWebhook(options: BrevoWebhookOptions = {}): WebhookDefinition {
  const secrets = resolveSharedSecret("brevo", "BREVO", options);
  const now = options.now ?? Date.now;
  return {
    provider: "brevo",
    verify(request) {
      if (secrets !== undefined) verifySharedSecret(request, secrets);
    },
    parse(request) {
      const records = recordsOf(parseJsonBody(request.body));
      if (records === undefined) {
        throw new WebhookError(400, "the body is not a Brevo webhook record or an array of records");
      }
      const received = now();
      return records.map((record) => mapBrevoEvent(record, received));
    },
  };
}

export { mapBrevoEvent };
