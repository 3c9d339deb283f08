import { isMailError } from "../errors/mail-error.js";
import type { MailEvent } from "../webhooks/event.js";
import type { SuppressionList } from "./suppression-list.js";
import type { SuppressionReason } from "./suppression-store.js";

/** The reason an event suppresses its recipient for; undefined when it does not (a soft bounce counts instead). */
function reasonOf(event: MailEvent): SuppressionReason | undefined {
  if (event.type === "complained") return "complaint";
  if (event.type === "unsubscribed") return "unsubscribe";
  if (event.type === "bounced" && event.bounce?.kind === "hard") return "hard-bounce";
  return undefined;
}

/** Suppresses one event's recipient, or counts its soft bounce. */
async function suppressOne(list: SuppressionList, event: MailEvent): Promise<unknown> {
  const details = {
    provider: event.provider,
    at: event.timestamp,
    ...(event.eventId === undefined ? undefined : { eventId: event.eventId }),
  };
  const reason = reasonOf(event);
  if (reason !== undefined) return list.add(event.recipient!, reason, details);
  if (event.type === "bounced") return list.softBounce(event.recipient!, details);
  return undefined;
}

/**
 * Records what verified delivery events say about their recipients: a hard bounce, a complaint or an
 * unsubscribe suppresses the address; a soft (or undetermined) bounce counts towards the list's
 * `softBounces` rule. Events of other types, or without a valid recipient, are skipped; a store failure
 * rejects (the webhook then answers 500 and the vendor sends again). Made for a webhook's `onEvents`:
 * `onEvents: (events) => suppressFromEvents(list, events)`.
 */
export async function suppressFromEvents(list: SuppressionList, events: readonly MailEvent[]): Promise<void> {
  for (const event of events) {
    if (event.recipient === undefined) continue;
    try {
      await suppressOne(list, event);
    } catch (error) {
      // A recipient that is no address cannot be sent to either; anything else (the store) must fail the post.
      if (!isMailError(error) || error.code !== "INVALID_MESSAGE") throw error;
    }
  }
}
