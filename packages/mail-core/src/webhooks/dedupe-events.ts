import type { MailEvent } from "./event.js";
import { positiveOption } from "./option-checks.js";
import type { ReplayStore } from "./replay-store.js";

/** Options of {@link dedupeEvents}. */
export interface DedupeEventsOptions {
  /** Where delivered events are remembered: shared by every process that receives the vendor's posts. */
  readonly store: ReplayStore;
  /** How long a handled event is remembered, ms; default 28 hours (Resend/Svix retry for about 27.6 hours, SendGrid for 24). */
  readonly ttlMs?: number;
  /**
   * How long an event is held while `onEvents` stores it, ms; default 60 s. A process that dies meanwhile loses
   * only the hold: the vendor's next post of the event is handled once it lapses.
   */
  readonly leaseMs?: number;
}

/** Handled events are remembered this long by default: Svix's whole retry schedule (about 27.6 hours) fits. */
export const DEFAULT_DEDUPE_TTL_MS = 28 * 60 * 60 * 1000;

/**
 * The key an event is remembered by: the vendor's event id (SNS MessageId, svix-id, sg_event_id, Mailgun's
 * event id) with the recipient and vendor type (one SNS message fans out to several recipients); for a vendor
 * without ids (Brevo, Mailjet, most Postmark records) its message id, type, recipient and time. Undefined when
 * the event has neither.
 */
export function dedupeKey(event: MailEvent): string | undefined {
  const base = [event.provider, event.vendorType, event.recipient ?? ""];
  if (event.eventId !== undefined) return ["event", ...base, event.eventId].join("\n");
  if (event.messageId === undefined) return undefined;
  return ["event", ...base, event.messageId, String(event.timestamp.getTime())].join("\n");
}

async function claimAll(events: readonly MailEvent[], store: ReplayStore, leaseMs: number) {
  const keys = events.map(dedupeKey);
  const claims = await Promise.allSettled(
    keys.map((key) => (key === undefined ? Promise.resolve(true) : store.claim(key, leaseMs))),
  );
  const claimed = keys.filter((key, i): key is string => key !== undefined && isTrue(claims[i]!));
  const failure = claims.find((claim) => claim.status === "rejected");
  if (failure !== undefined) {
    await releaseAll(store, claimed);
    throw failure.reason;
  }
  return { fresh: events.filter((_, i) => isTrue(claims[i]!)), claimed };
}

const isTrue = (claim: PromiseSettledResult<boolean>) => claim.status === "fulfilled" && claim.value;

const releaseAll = (store: ReplayStore, keys: readonly string[]) =>
  Promise.allSettled(keys.map((key) => store.release(key)));

/**
 * Wraps `onEvents` so each event is handled once across the vendor's retries and replays: it is claimed in
 * `store` (see {@link dedupeKey}), events already claimed are dropped, and the rest handed on. When `onEvents`
 * rejects, the claims are released and the rejection passes on (the vendor posts again); when it resolves they are
 * kept for `ttlMs`. A store that cannot answer (full, unreachable) rejects, so the vendor posts again.
 */
export function dedupeEvents(
  onEvents: (events: readonly MailEvent[]) => void | Promise<void>,
  options: DedupeEventsOptions,
): (events: readonly MailEvent[]) => Promise<void> {
  const owner = { owner: "dedupeEvents", unit: "milliseconds" };
  const ttlMs = positiveOption(options.ttlMs, { ...owner, field: "ttlMs" }) ?? DEFAULT_DEDUPE_TTL_MS;
  const leaseMs = positiveOption(options.leaseMs, { ...owner, field: "leaseMs" }) ?? 60_000;
  const { store } = options;
  return async (events) => {
    const { fresh, claimed } = await claimAll(events, store, leaseMs);
    if (fresh.length > 0) {
      try {
        await onEvents(fresh);
      } catch (error) {
        await releaseAll(store, claimed);
        throw error;
      }
    }
    // A handled event whose key is not kept stays held for the lease only: at worst it is handled again later.
    await Promise.allSettled(claimed.map((key) => store.keep(key, ttlMs)));
  };
}
