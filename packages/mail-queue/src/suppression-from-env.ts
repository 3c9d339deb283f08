import { createSuppressionList, type EnvSource, MailError, type SuppressionCheck } from "@posse/mail-core";
import type { QueueLocation } from "./connection.js";
import { readEnv } from "./location-from-env.js";
import { redisSuppressionStore } from "./suppression/redis-suppression-store.js";

/** A suppression check on a store the caller must close. */
export interface SuppressionFromEnv {
  /** The mailer's `suppression` option. */
  readonly check: SuppressionCheck;
  /** Closes the store's connection. */
  close(): Promise<void>;
}

/**
 * The suppression list kept in the queue's Redis, the one `posse-mail-suppression` edits: same server,
 * cluster and plain-text settings as the queue, the prefix `MAIL_SUPPRESSION_PREFIX` and the address
 * hashing `MAIL_SUPPRESSION_HASH_SECRET`.
 */
export function redisSuppressionFromEnv(env: EnvSource, location: QueueLocation): SuppressionFromEnv {
  const prefix = readEnv(env, "MAIL_SUPPRESSION_PREFIX");
  const secret = env.MAIL_SUPPRESSION_HASH_SECRET || undefined;
  const store = redisSuppressionStore({
    url: location.url,
    ...(prefix && { prefix }),
    ...(location.allowPlaintext && { allowPlaintext: true }),
    ...(location.cluster && { cluster: true }),
  });
  const list = createSuppressionList({ store, ...(secret && { hashAddresses: { secret } }) });
  return { check: { list }, close: () => store.close() };
}

/** The worker's list: with `MAIL_QUEUE_SUPPRESSION=redis`, {@link redisSuppressionFromEnv}; unset, none. */
export function workerSuppressionFromEnv(
  env: EnvSource,
  location: QueueLocation,
): SuppressionFromEnv | undefined {
  const kind = readEnv(env, "MAIL_QUEUE_SUPPRESSION");
  if (kind === undefined) return undefined;
  if (kind !== "redis") throw new MailError("CONFIG", 'MAIL_QUEUE_SUPPRESSION must be "redis" or unset');
  return redisSuppressionFromEnv(env, location);
}
