import {
  resolveSharedSecret,
  type SharedSecretWebhookOptions,
  verifySharedSecret,
  type WebhookDefinition,
  WebhookError,
} from "@posse/mail-core";
import { mapMailjetEvent, recordsOf } from "./map-event.js";
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
  // Mailjet sends no custom header: a token could only travel in the URL, so only Basic credentials are read from env.
  const secrets = resolveSharedSecret("mailjet", "MAILJET", options, { bearer: false });
  const now = options.now ?? Date.now;
  return {
    provider: "mailjet",
    verify(request) {
      if (secrets !== undefined) verifySharedSecret(request, secrets);
    },
    parse(request) {
      const records = recordsOf(parseExactJson(request.body));
      if (records === undefined) {
        throw new WebhookError(400, "the body is not a Mailjet event or an array of events");
      }
      const received = now();
      return records.map((record) => mapMailjetEvent(record, received));
    },
  };
}

export { mapMailjetEvent };
