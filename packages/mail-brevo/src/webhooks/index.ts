import {
  jsonRecords,
  parseJsonBody,
  type SharedSecretWebhookOptions,
  sharedSecretWebhook,
  type WebhookDefinition,
} from "@posse/mail-core/webhooks";
import { mapBrevoEvent } from "./map-event.js";

/**
 * Settings of the Brevo webhook: the token of the webhook's bearer auth (`bearer`), the Basic credentials of the
 * registered URL (`basic`), or a custom header (`header`). When none is given, `BREVO_WEBHOOK_TOKEN` or
 * `BREVO_WEBHOOK_USERNAME` + `BREVO_WEBHOOK_PASSWORD` are read.
 */
export interface BrevoWebhookOptions extends SharedSecretWebhookOptions {
  /** Epoch ms, for an event without a time; `Date.now` by default. */
  readonly now?: () => number;
}

/** Brevo's default body limit: batched posts carry up to 500 events, about 1 KB each, so 2 MiB. */
export const BREVO_MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * Verifies and normalizes Brevo's transactional webhook posts (one record, or an array when batched; no signature:
 * shared secrets, checked before the body is read). A post whose events were not stored is answered 429: Brevo
 * discards a post answered with any other 4xx or any 5xx, and retries only 429.
 */
export function brevoWebhook(options: BrevoWebhookOptions = {}): WebhookDefinition {
  return sharedSecretWebhook(
    {
      provider: "brevo",
      envPrefix: "BREVO",
      maxBodyBytes: BREVO_MAX_BODY_BYTES,
      retryStatus: 429,
      records: (body) => jsonRecords(parseJsonBody(body)),
      malformed: "the body is not a Brevo webhook record or an array of records",
      map: mapBrevoEvent,
    },
    options,
  );
}

export { mapBrevoEvent };
