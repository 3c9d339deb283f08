import type { WebhookDefinition } from "@posse/mail-core";
import {
  jsonRecords,
  parseJsonBody,
  type SharedSecretWebhookOptions,
  sharedSecretWebhook,
} from "@posse/mail-core/provider";
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

/** Verifies and normalizes Brevo's transactional webhook posts (one record, or an array when batched; no signature: shared secrets). */
export function brevoWebhook(options: BrevoWebhookOptions = {}): WebhookDefinition {
  return sharedSecretWebhook(
    {
      provider: "brevo",
      envPrefix: "BREVO",
      records: (body) => jsonRecords(parseJsonBody(body)),
      malformed: "the body is not a Brevo webhook record or an array of records",
      map: mapBrevoEvent,
    },
    options,
  );
}

export { mapBrevoEvent };
