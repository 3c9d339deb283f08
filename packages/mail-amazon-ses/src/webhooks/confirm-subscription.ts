import { WebhookError } from "@posse/mail-core/webhooks";
import { isSnsUrl, type SnsMessage } from "./sns-message.js";

/**
 * Confirms a verified SubscriptionConfirmation by GET of its `SubscribeURL`, which must be an https URL on an
 * SNS host; then 200. A failed confirmation throws, so the handler answers 503 and SNS tries again.
 */
export async function confirmSubscription(message: SnsMessage, fetcher: typeof fetch): Promise<Response> {
  if (!isSnsUrl(message.SubscribeURL)) {
    throw new WebhookError(403, "the SubscribeURL is not an SNS URL");
  }
  // A redirect is not followed: it is an answer that is not ok (see certificate-download.ts).
  const response = await fetcher(message.SubscribeURL, { redirect: "manual" });
  await response.body?.cancel().catch(() => {});
  if (!response.ok) throw new Error(`SNS refused the subscription confirmation (HTTP ${response.status})`);
  return new Response(null, { status: 200 });
}
