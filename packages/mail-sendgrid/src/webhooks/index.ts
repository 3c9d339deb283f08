import type { WebhookDefinition } from "@posse/mail-core";
import { warnUnverifiedWebhook } from "@posse/mail-core/provider";
import { resolveSettings, type SendgridWebhookOptions } from "./config.js";
import { toMailEvents } from "./map-event.js";
import { type VerifyKey, verifyEventSignature } from "./verify-signature.js";

export type { SendgridWebhookOptions } from "./config.js";

/**
 * SendGrid's Event Webhook (signed) as a webhook definition for `createWebhookHandler` of `@posse/mail-core`.
 * Throws a `CONFIG` error when no verification key is configured and verification was not switched off
 * explicitly.
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
    verify: (request) =>
      spki === null ? undefined : verifyEventSignature(request, publicKey(spki), toleranceMs, now),
    parse: (request) => toMailEvents(request.body, now()),
  };
}
