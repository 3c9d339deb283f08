import type { WebhookDefinition } from "@posse/mail-core";
import { warnUnverifiedWebhook } from "@posse/mail-core/provider";
import { type ResendWebhookOptions, resolveSettings } from "./config.js";
import { toMailEvents } from "./map-event.js";
import { hmacKey, verifySvixSignature } from "./verify-signature.js";

export type { ResendWebhookOptions } from "./config.js";

/**
 * Resend's delivery events (signed by Svix) as a webhook definition for `createWebhookHandler` of
 * `@posse/mail-core`. Throws a `CONFIG` error when no signing secret is configured and verification was not
 * switched off explicitly.
 */
export function resendWebhook(options: ResendWebhookOptions = {}): WebhookDefinition {
  const settings = resolveSettings(options);
  if (settings.key === null) warnUnverifiedWebhook("resend");
  const key = settings.key === null ? null : hmacKey(settings.key);
  return {
    provider: "resend",
    verify: (request) =>
      key === null ? undefined : verifySvixSignature(request, key, settings.toleranceMs, settings.now),
    parse: (request) => toMailEvents(request.body, request.headers.get("svix-id") ?? undefined),
  };
}
