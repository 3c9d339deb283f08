import { type WebhookDefinition, warnUnverifiedWebhook } from "@posse/mail-core/webhooks";
import { type ResendWebhookOptions, resolveSettings } from "./config.js";
import { toMailEvents } from "./map-event.js";
import { checkSvixHeaders, hmacKey, verifySvixSignature } from "./verify-signature.js";

export type { ResendWebhookOptions } from "./config.js";

/** Resend's default body limit: one event per post (no message content), with ample room. */
export const RESEND_MAX_BODY_BYTES = 256 * 1024;

/**
 * Resend's delivery events (signed by Svix) as a webhook definition for `createWebhookHandler` of
 * `@posse/mail-core`: the Svix headers and their time are checked before the body is read, the signature over the
 * body after. Throws a `CONFIG` error when no signing secret is configured and verification was not switched off
 * explicitly, or when `toleranceSeconds` is not a positive finite number.
 */
export function resendWebhook(options: ResendWebhookOptions = {}): WebhookDefinition {
  const settings = resolveSettings(options);
  if (settings.key === null) warnUnverifiedWebhook("resend");
  const key = settings.key === null ? null : hmacKey(settings.key);
  return {
    provider: "resend",
    maxBodyBytes: RESEND_MAX_BODY_BYTES,
    verifyHeaders: (head) =>
      key === null ? undefined : checkSvixHeaders(head, settings.toleranceMs, settings.now),
    verify: (request) => (key === null ? undefined : verifySvixSignature(request, key)),
    parse: (request) => toMailEvents(request.body, request.headers.get("svix-id") ?? undefined),
  };
}
