import { type EnvSource, envValue } from "../configuration/env-values.js";
import { MailError } from "../errors/mail-error.js";

/** How a mailer retries a provider. */
export interface RetryOptions {
  /** Most requests to one provider for one message, first included (1 disables retries). Default 3. */
  readonly attempts?: number;
  /** First backoff ceiling in ms; doubles each retry (full jitter). Default 250. */
  readonly baseDelayMs?: number;
  /** Largest wait between attempts, Retry-After included. Default 10 000. */
  readonly maxDelayMs?: number;
  /** No retry starts later than this many ms after the send began. Default 60 000. */
  readonly deadlineMs?: number;
}

/** Retry options with every default filled in. */
export type RetryPolicy = Required<RetryOptions>;

/** The defaults, as documented in the README. */
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  deadlineMs: 60_000,
};

/** Reads `MAIL_RETRY_ATTEMPTS` (a whole number from 1 to 10) over the defaults, then code options over both. */
export function retryPolicy(env: EnvSource, options: RetryOptions = {}): RetryPolicy {
  const fromEnv = envValue(env, "MAIL_RETRY_ATTEMPTS");
  let attempts = DEFAULT_RETRY.attempts;
  if (fromEnv !== undefined) {
    if (!/^\d+$/.test(fromEnv) || Number(fromEnv) < 1 || Number(fromEnv) > 10) {
      throw new MailError("CONFIG", "MAIL_RETRY_ATTEMPTS must be a whole number from 1 to 10");
    }
    attempts = Number(fromEnv);
  }
  const policy = { ...DEFAULT_RETRY, attempts, ...definedOnly(options) };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw new MailError("CONFIG", "retry.attempts must be a whole number of at least 1");
  }
  return policy;
}

function definedOnly(options: RetryOptions): RetryOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/**
 * The wait before attempt `attempt + 1` (full jitter: random in [0, base·2^(attempt-1)]), or the
 * vendor's Retry-After when it asked for longer, capped at `maxDelayMs`.
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  error: MailError,
  random: () => number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return Math.min(policy.maxDelayMs, Math.max(jittered, error.retryAfterMs ?? 0));
}

/**
 * Whether sending the same message again (to this provider or the next) is safe and useful: the error
 * is retryable, and either the vendor certainly did not accept it or the message has an idempotency key.
 */
export function canSendAgain(error: MailError, hasIdempotencyKey: boolean): boolean {
  return error.retryable && (!error.outcomeUnknown || hasIdempotencyKey);
}
