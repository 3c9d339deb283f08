import {
  refuseStaleTimestamp,
  type WebhookDefinition,
  WebhookError,
  warnUnverifiedWebhook,
} from "@posse/mail-core/webhooks";
import { certificateCache } from "./certificate-download.js";
import { resolveSettings, type SesWebhookOptions } from "./config.js";
import { confirmSubscription } from "./confirm-subscription.js";
import { toMailEvents } from "./map-event.js";
import { snsMessage } from "./sns-message.js";
import { verifySnsSignature } from "./verify-signature.js";

export type { SesWebhookOptions } from "./config.js";

/**
 * Amazon SES events delivered by an SNS topic (HTTPS subscription) as a webhook definition for
 * `createWebhookHandler` of `@posse/mail-core`: the SNS signature is verified with the certificate SNS signs
 * with, only topics of the allow-list are accepted, and a subscription confirmation is confirmed only once
 * both checks passed; with `toleranceSeconds`, a message published further from now is refused (403). Throws
 * a `CONFIG` error when no topic is configured and verification was not switched off explicitly, or when
 * `toleranceSeconds` is not a finite number above 0.
 */
export function sesWebhook(options: SesWebhookOptions = {}): WebhookDefinition {
  const { topicArns, toleranceMs, fetch, clock } = resolveSettings(options);
  if (topicArns === null) warnUnverifiedWebhook("amazon_ses");
  const publicKey = certificateCache({ fetch, clock });
  return {
    provider: "amazon_ses",
    async verify(request) {
      const message = snsMessage(request);
      if (topicArns === null) return;
      if (!topicArns.has(message.TopicArn)) {
        throw new WebhookError(403, "the SNS topic is not one this webhook accepts");
      }
      // Before the certificate is fetched: a stale post costs no download.
      if (toleranceMs !== undefined) {
        refuseStaleTimestamp(Date.parse(message.Timestamp), clock.now(), toleranceMs);
      }
      await verifySnsSignature(message, publicKey);
    },
    parse(request) {
      const message = snsMessage(request);
      switch (message.Type) {
        case "Notification":
          return toMailEvents(message.Message, message.MessageId, message.Timestamp);
        case "SubscriptionConfirmation":
          // Unverified, a confirmation could subscribe this endpoint to anyone's topic: left to the console.
          if (topicArns === null)
            throw new WebhookError(403, "subscriptions are not confirmed without verification");
          return confirmSubscription(message, fetch).then((response) => ({ response }));
        case "UnsubscribeConfirmation":
          return { response: new Response(null, { status: 200 }) };
        default:
          throw new WebhookError(400, "the SNS message has an unknown Type");
      }
    },
  };
}
