import {
  defaultWebhookEnv,
  type EnvSource,
  envValue,
  isJsonObject,
  memoryReplayStore,
  missingWebhookSecret,
  parseJsonBody,
  positiveOption,
  type ReplayStore,
  type WebhookDefinition,
  WebhookError,
  type WebhookRequest,
  warnUnverifiedWebhook,
} from "@posse/mail-core/webhooks";
import { mapMailgunEvent } from "./map-event.js";
import { verifyMailgunSignature } from "./verify-signature.js";

/** Settings of the Mailgun webhook. */
export interface MailgunWebhookOptions {
  /** HTTP webhook signing key (Mailgun › Sending › Webhooks); default `MAILGUN_WEBHOOK_SIGNING_KEY`. */
  readonly signingKey?: string | undefined;
  /** How far the signed timestamp may be from now, in seconds; default 300. A positive finite number (CONFIG otherwise). */
  readonly toleranceSeconds?: number;
  /**
   * Where used tokens are claimed; default this webhook's own `memoryReplayStore()`, which holds only within one
   * process. Serverless functions and apps in several processes need a shared store, e.g. `redisReplayStore` of
   * `@posse/mail-queue/replay-store`.
   */
  readonly replayStore?: ReplayStore;
  /** Accept requests without verifying anything when no key is configured; warns once. Never in production. */
  readonly insecureNoVerification?: boolean;
  /** Where the variables come from; `process.env` by default. */
  readonly env?: EnvSource;
  /** Epoch ms now; `Date.now` by default. */
  readonly now?: () => number;
}

/** Mailgun's default body limit: one event (its headers, delivery status, tags and variables), with ample room. */
export const MAILGUN_MAX_BODY_BYTES = 256 * 1024;

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
  const toleranceSeconds =
    positiveOption(options.toleranceSeconds, {
      owner: "the mailgun webhook",
      field: "toleranceSeconds",
      unit: "seconds",
      provider: "mailgun",
    }) ?? 300;
  if (signingKey === undefined) {
    if (options.insecureNoVerification !== true)
      throw missingWebhookSecret("mailgun", ["MAILGUN_WEBHOOK_SIGNING_KEY"]);
    warnUnverifiedWebhook("mailgun");
  }
  const now = options.now ?? Date.now;
  const replayStore = options.replayStore ?? memoryReplayStore({ now });
  return {
    provider: "mailgun",
    // One event per post, its signature inside the body: nothing to check before reading it, so the limit stays small.
    maxBodyBytes: MAILGUN_MAX_BODY_BYTES,
    async verify(request) {
      if (signingKey === undefined) return;
      await verifyMailgunSignature(post(request).signature, {
        signingKey,
        now: now(),
        toleranceMs: toleranceSeconds * 1000,
        replayStore,
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
