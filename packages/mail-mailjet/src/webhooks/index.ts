import type { WebhookDefinition } from "@posse/mail-core";
import { jsonRecords, type SharedSecretWebhookOptions, sharedSecretWebhook } from "@posse/mail-core/provider";
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

/** Verifies and normalizes Mailjet's event callbacks (one event, or an array with Version 2; no signature: Basic credentials). */
export function mailjetWebhook(options: MailjetWebhookOptions = {}): WebhookDefinition {
  return sharedSecretWebhook(
    {
      provider: "mailjet",
      envPrefix: "MAILJET",
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
