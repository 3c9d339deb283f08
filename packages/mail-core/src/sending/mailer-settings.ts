import { type Clock, systemClock } from "./clock.js";
import type { MailerHooks } from "./events.js";
import type { MailerOptions } from "./mailer.js";
import { type RetryPolicy, retryPolicy } from "./retry-policy.js";

/** A mailer's options with their defaults applied: what its sends read. */
export interface MailerSettings {
  readonly clock: Clock;
  readonly random: () => number;
  readonly timeoutMs: number;
  readonly cooldownMs: number;
  readonly policy: RetryPolicy;
  readonly hooks: MailerHooks;
  /** Whether any hook listens: without a listener, a send builds no event object at all. */
  readonly observed: boolean;
  /** Put the normalized message in events. */
  readonly eventsIncludeMessage: boolean;
}

/** The options' values, defaults where they are absent. */
export function mailerSettings(options: MailerOptions): MailerSettings {
  const hooks = options.hooks ?? {};
  return {
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    timeoutMs: options.timeoutMs ?? 30_000,
    cooldownMs: options.cooldownMs ?? 30_000,
    policy: retryPolicy({}, options.retry),
    hooks,
    observed:
      hooks.onSendStart !== undefined ||
      hooks.onSendEnd !== undefined ||
      hooks.onSend !== undefined ||
      hooks.onSent !== undefined ||
      hooks.onError !== undefined,
    eventsIncludeMessage: Boolean(options.eventsIncludeMessage),
  };
}
