import { type EnvSource, envValue, type ReplayCache, type WebhookDefinition } from "@posse/mail-core";
import {
  defaultWebhookEnv,
  isJsonObject,
  memoryReplayCache,
  missingWebhookSecret,
  parseJsonBody,
  WebhookError,
  type WebhookRequest,
  warnUnverifiedWebhook,
} from "@posse/mail-core/provider";
import { mapMailgunEvent } from "./map-event.js";
import { verifyMailgunSignature } from "./verify-signature.js";

/** Settings of the Mailgun webhook. */
export interface MailgunWebhookOptions {
  /** HTTP webhook signing key (Mailgun › Sending › Webhooks); default `MAILGUN_WEBHOOK_SIGNING_KEY`. */
  readonly signingKey?: string | undefined;
  /** How far the signed timestamp may be from now, in seconds; default 300. */
  readonly toleranceSeconds?: number;
  /** Where used tokens are remembered; default one in-memory cache of 10 000 tokens per webhook. Share one store across processes. */
  readonly replayCache?: ReplayCache;
  /** Accept requests without verifying anything when no key is configured; warns once. Never in production. */
  readonly insecureNoVerification?: boolean;
  /** Where the variables come from; `process.env` by default. */
  readonly env?: EnvSource;
  /** Epoch ms now; `Date.now` by default. */
  readonly now?: () => number;
}

function post(request: WebhookRequest): Record<string, unknown> {
  const body = parseJsonBody(request.body);
  if (!isJsonObject(body))
    throw new WebhookError(400, "the body is not a Mailgun webhook post (a JSON object)");
  return body;
}

/**
 * Verifies and normalizes Mailgun's webhook posts (JSON `{ signature, "event-data" }`, one event each). Legacy
 * form-encoded webhooks are not read: register the current (JSON) webhooks.
 */
export function mailgunWebhook(options: MailgunWebhookOptions = {}): WebhookDefinition {
  const signingKey =
    options.signingKey || envValue(options.env ?? defaultWebhookEnv(), "MAILGUN_WEBHOOK_SIGNING_KEY");
  if (signingKey === undefined) {
    if (options.insecureNoVerification !== true)
      throw missingWebhookSecret("mailgun", ["MAILGUN_WEBHOOK_SIGNING_KEY"]);
    warnUnverifiedWebhook("mailgun");
  }
  const toleranceMs = (options.toleranceSeconds ?? 300) * 1000;
  const now = options.now ?? Date.now;
  const replayCache = options.replayCache ?? memoryReplayCache({ now });
  return {
    provider: "mailgun",
    async verify(request) {
      if (signingKey === undefined) return;
      await verifyMailgunSignature(post(request).signature, {
        signingKey,
        now: now(),
        toleranceMs,
        replayCache,
      });
    },
    parse(request) {
      const data = post(request)["event-data"];
      if (!isJsonObject(data) || typeof data.event !== "string") {
        throw new WebhookError(400, 'the Mailgun post has no "event-data" with an event');
      }
      return [mapMailgunEvent(data, now())];
    },
  };
}

export { mapMailgunEvent };
