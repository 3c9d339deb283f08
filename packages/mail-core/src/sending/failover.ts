import { MailError } from "../errors/mail-error.js";
import type { NormalizedMessage } from "../message/message.js";
import type { SuppressionCheck } from "../suppression/suppression-check-options.js";
import type { Cooldowns } from "./cooldowns.js";
import type { SendStartEvent } from "./events.js";
import type { SendOptions, SendReceipt } from "./mailer.js";
import type { MailerSettings } from "./mailer-settings.js";
import type { ProviderLink } from "./send-attempt.js";
import { type SendRoute, sendThrough } from "./send-through.js";

/** What a mailer's sends go through: its providers, its settings and their cool-downs. */
export interface SendPath {
  readonly links: readonly ProviderLink[];
  readonly settings: MailerSettings;
  readonly cooldowns: Cooldowns;
  /** The suppression check, when the mailer has one. */
  readonly suppression: SuppressionCheck | undefined;
  /** How each attempt's request is made, when not one `send` per attempt (`sendMany` sets it per message). */
  readonly route?: SendRoute;
}

// The next provider would refuse the message just the same, or the caller asked to stop. A send-time
// CONFIG error (STARTTLS missing, no AWS credentials) is a fault of this provider alone: fail over.
const NO_FAILOVER = new Set(["INVALID_MESSAGE", "UNSUPPORTED", "ABORTED"]);

/** The error of a chain that failed: the last provider's code, every provider's error in `errors`. */
function failoverError(errors: readonly MailError[], stoppedBecause?: string): MailError {
  const last = errors.at(-1)!;
  const summary = errors.map((error) => `${error.provider}: ${error.message}`).join("; ");
  return new MailError(last.code, `${stoppedBecause ?? "every provider failed"} (${summary})`, {
    provider: last.provider,
    retryable: last.retryable,
    status: last.status,
    retryAfterMs: last.retryAfterMs,
    outcomeUnknown: errors.some((error) => error.outcomeUnknown),
    errors,
  });
}

function checkedAttempts(sendOptions: SendOptions, settings: MailerSettings): number {
  const attempts = sendOptions.attempts ?? settings.policy.attempts;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new MailError("CONFIG", "attempts must be a whole number of at least 1");
  }
  return attempts;
}

/**
 * Sends a validated message through the providers of `order` until one accepts it. A failure the next
 * provider would share stops the chain, a transient one cools its provider down, and a send that may have
 * arrived moves on only when the message has an idempotency key.
 */
export async function deliver(
  path: SendPath,
  message: NormalizedMessage,
  order: readonly ProviderLink[],
  sendOptions: SendOptions,
  event: SendStartEvent | undefined,
): Promise<SendReceipt> {
  const { settings, cooldowns } = path;
  const attempts = checkedAttempts(sendOptions, settings);
  const { signal, beforeRequest } = sendOptions;
  const run = {
    message,
    started: settings.clock.now(),
    signal,
    attempts,
    event,
    beforeRequest,
    route: path.route,
  };
  const errors: MailError[] = [];
  for (let failover = 0; failover < order.length; failover++) {
    const link = order[failover]!;
    try {
      const receipt = await sendThrough(link, failover, run, settings);
      cooldowns.end(link.id);
      return receipt;
    } catch (caught) {
      const error = caught as MailError;
      errors.push(error);
      if (path.links.length === 1) throw error;
      if (NO_FAILOVER.has(error.code)) throw errors.length === 1 ? error : failoverError(errors);
      if (error.retryable) cooldowns.start(link.id);
      if (error.outcomeUnknown && message.idempotencyKey === undefined) {
        throw failoverError(
          errors,
          `${link.id} may have accepted the message; not failing over without an idempotencyKey`,
        );
      }
    }
  }
  throw failoverError(errors);
}
