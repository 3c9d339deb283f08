import { type WebhookDefinition, warnUnverifiedWebhook } from "@posse/mail-core/webhooks";
import { resolveSettings, type SendgridWebhookOptions } from "./config.js";
import { toMailEvents } from "./map-event.js";
import { checkEventHeaders, type VerifyKey, verifyEventSignature } from "./verify-signature.js";

export type { SendgridWebhookOptions } from "./config.js";

/** SendGrid's default body limit: it posts batches "when the batch size reaches 768 kilobytes", so 1 MiB. */
export const SENDGRID_MAX_BODY_BYTES = 1024 * 1024;

/**
 * SendGrid's Event Webhook (signed) as a webhook definition for `createWebhookHandler` of `@posse/mail-core`:
 * the signature headers and their time are checked before the body is read, the signature over the body after.
 * Throws a `CONFIG` error when no verification key is configured and verification was not switched off
 * explicitly, or when `toleranceSeconds` is not a positive finite number.
 */
export function sendgridWebhook(options: SendgridWebhookOptions = {}): WebhookDefinition {
  const { spki, toleranceMs, now } = resolveSettings(options);
  if (spki === null) {
    warnUnverifiedWebhook("sendgrid");
  }
  let key: Promise<VerifyKey> | undefined;
  const publicKey = (bytes: Uint8Array) => {
    key ??= crypto.subtle.importKey("spki", bytes, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    return key;
  };
  return {
    provider: "sendgrid",
    maxBodyBytes: SENDGRID_MAX_BODY_BYTES,
    verifyHeaders: (head) => (spki === null ? undefined : checkEventHeaders(head, toleranceMs, now)),
    verify: (request) => (spki === null ? undefined : verifyEventSignature(request, publicKey(spki))),
    parse: (request) => toMailEvents(request.body, now()),
  };
}
