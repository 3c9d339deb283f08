import {
  jsonRecords,
  type SharedSecretWebhookOptions,
  sharedSecretWebhook,
  type WebhookDefinition,
} from "@posse/mail-core/webhooks";
import { mapMailjetEvent } from "./map-event.js";
import { parseExactJson } from "./parse-exact-json.js";

/**
 * Settings of the Mailjet webhook: the Basic credentials of the event callback URL registered at Mailjet (`basic`),
 * or a secret query parameter of it (`query`). When none is given, `MAILJET_WEBHOOK_USERNAME` +
 * `MAILJET_WEBHOOK_PASSWORD` are read.
 */
export interface MailjetWebhookOptions extends SharedSecretWebhookOptions {
  /** Epoch ms, for an event without a time; `Date.now` by default. */
  readonly now?: () => number;
}

/**
 * Mailjet's default body limit: with Version 2 a post groups "all the events of the last second", which Mailjet does
 * not bound; 5 MiB holds about ten thousand events.
 */
export const MAILJET_MAX_BODY_BYTES = 5 * 1024 * 1024;

/**
 * Verifies and normalizes Mailjet's event callbacks (one event, or an array with Version 2; no signature: Basic
 * credentials or a query secret, checked before the body is read).
 */
export function mailjetWebhook(options: MailjetWebhookOptions = {}): WebhookDefinition {
  return sharedSecretWebhook(
    {
      provider: "mailjet",
      envPrefix: "MAILJET",
      maxBodyBytes: MAILJET_MAX_BODY_BYTES,
      // Mailjet sends no custom header: a token could only travel in the URL, so only Basic credentials are read from env.
      envBearer: false,
      // One event (Version 1), or an array of them (Version 2, grouped events).
      records: (body) => jsonRecords(parseExactJson(body)),
      malformed: "the body is not a Mailjet event or an array of events",
      map: mapMailjetEvent,
    },
    options,
  );
}

export { mapMailjetEvent };
