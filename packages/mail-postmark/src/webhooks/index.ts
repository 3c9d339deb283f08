import {
  isJsonObject,
  parseJsonBody,
  type SharedSecretWebhookOptions,
  sharedSecretWebhook,
  type WebhookDefinition,
} from "@posse/mail-core/webhooks";
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

/**
 * Postmark's default body limit: one record per post, but a bounce with its content (`IncludeContent`) carries the
 * bounced message, up to Postmark's 10 MB message size; so 16 MiB.
 */
export const POSTMARK_MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Verifies and normalizes Postmark's webhook posts (one JSON record per request, no signature: shared secrets,
 * checked before the body is read).
 */
export function postmarkWebhook(options: PostmarkWebhookOptions = {}): WebhookDefinition {
  return sharedSecretWebhook(
    {
      provider: "postmark",
      envPrefix: "POSTMARK",
      maxBodyBytes: POSTMARK_MAX_BODY_BYTES,
      records(body) {
        const record = parseJsonBody(body);
        return isJsonObject(record) && typeof record.RecordType === "string" ? [record] : undefined;
      },
      malformed: "the body is not a Postmark webhook record (an object with a RecordType)",
      map: mapPostmarkEvent,
    },
    options,
  );
}

export { mapPostmarkEvent };
