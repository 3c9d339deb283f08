import {
  isJsonObject,
  parseJsonBody,
  resolveSharedSecret,
  type SharedSecretWebhookOptions,
  verifySharedSecret,
  type WebhookDefinition,
  WebhookError,
} from "@posse/mail-core";
import { mapPostmarkEvent } from "./map-event.js";

/**
 * Settings of the Postmark webhook: the Basic credentials of the URL registered at Postmark (`basic`), or a
 * secret Postmark sends in a custom header (`bearer` for `Authorization: Bearer …`, or `header`). When none is
 * given, `POSTMARK_WEBHOOK_USERNAME` + `POSTMARK_WEBHOOK_PASSWORD` or `POSTMARK_WEBHOOK_TOKEN` are read.
 */
export interface PostmarkWebhookOptions extends SharedSecretWebhookOptions {
  /** Milliseconds since the epoch, for an event without a time; `Date.now` by default. */
  readonly now?: () => number;
}

/** Verifies and normalizes Postmark's webhook posts (one JSON record per request, no signature: shared secrets). */
export function postmarkWebhook(options: PostmarkWebhookOptions = {}): WebhookDefinition {
  const secrets = resolveSharedSecret("postmark", "POSTMARK", options);
  const now = options.now ?? Date.now;
  return {
    provider: "postmark",
    verify(request) {
      if (secrets !== undefined) verifySharedSecret(request, secrets);
    },
    parse(request) {
      const record = parseJsonBody(request.body);
      if (!isJsonObject(record) || typeof record.RecordType !== "string") {
        throw new WebhookError(
          400,
          "the body is not a Postmark webhook record (an object with a RecordType)",
        );
      }
      return [mapPostmarkEvent(record, now())];
    },
  };
}

export { mapPostmarkEvent };
