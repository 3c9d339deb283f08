import { WebhookError } from "./webhook-error.js";

/**
 * Refuses a signed timestamp (epoch ms) further than `toleranceMs` from `now`, past or future, or not a
 * finite number: WebhookError 403, so a captured request cannot be replayed later.
 */
export function refuseStaleTimestamp(timestampMs: number, now: number, toleranceMs: number): void {
  if (!Number.isFinite(timestampMs) || Math.abs(now - timestampMs) > toleranceMs) {
    throw new WebhookError(403, `the webhook timestamp is more than ${toleranceMs / 1000} s from now`);
  }
}
