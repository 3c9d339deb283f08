import { resolveSharedSecret, type SharedSecretWebhookOptions } from "./config.js";
import type { WebhookDefinition } from "./definition.js";
import type { MailEvent } from "./event.js";
import { verifySharedSecret } from "./shared-secret.js";
import { WebhookError } from "./webhook-error.js";

/** What a vendor without signatures (Postmark, Brevo, Mailjet) tells `sharedSecretWebhook` about its posts. */
export interface SharedSecretVendor {
  /** Provider id, e.g. "postmark". */
  readonly provider: string;
  /** Prefix of the `<PREFIX>_WEBHOOK_USERNAME` / `_PASSWORD` / `_TOKEN` variables. */
  readonly envPrefix: string;
  /** Whether `<PREFIX>_WEBHOOK_TOKEN` is read (false for a vendor that cannot send a custom header); true by default. */
  readonly envBearer?: boolean;
  /** The vendor's largest post in bytes, with room: the handler's default body limit. */
  readonly maxBodyBytes?: number;
  /** The status that makes the vendor post again; core's default (503) when left out. */
  readonly retryStatus?: number;
  /** The vendor records of a body, or undefined when it is not the vendor's shape (may throw WebhookError 400 itself). */
  records(body: Uint8Array): readonly Record<string, unknown>[] | undefined;
  /** The 400 answer's text for a body `records` does not recognize. */
  readonly malformed: string;
  /** The normalized event of one record; `received` (epoch ms) stands in for a missing time. */
  map(record: Record<string, unknown>, received: number): MailEvent;
}

/** Options of a shared-secret webhook factory: the secrets, and the clock for events without a time. */
export interface SharedSecretWebhookFactoryOptions extends SharedSecretWebhookOptions {
  /** Epoch ms, for an event without a time; `Date.now` by default. */
  readonly now?: () => number;
}

/**
 * A webhook verified by shared secrets: resolves the secrets (options, else environment; CONFIG error when none
 * or when one is half given), refuses a request without one (401) from its headers alone, before any body byte
 * is read, and maps each record of a recognized body (400 otherwise).
 */
export function sharedSecretWebhook(
  vendor: SharedSecretVendor,
  options: SharedSecretWebhookFactoryOptions,
): WebhookDefinition {
  const secrets = resolveSharedSecret(vendor.provider, vendor.envPrefix, options, {
    bearer: vendor.envBearer ?? true,
  });
  const now = options.now ?? Date.now;
  return {
    provider: vendor.provider,
    ...(vendor.maxBodyBytes !== undefined && { maxBodyBytes: vendor.maxBodyBytes }),
    ...(vendor.retryStatus !== undefined && { retryStatus: vendor.retryStatus }),
    verifyHeaders(head) {
      if (secrets !== undefined) verifySharedSecret(head, secrets);
    },
    parse(request) {
      const records = vendor.records(request.body);
      if (records === undefined) throw new WebhookError(400, vendor.malformed);
      const received = now();
      return records.map((record) => vendor.map(record, received));
    },
  };
}
