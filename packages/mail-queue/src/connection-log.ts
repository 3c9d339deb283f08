import type { MailQueueLogger } from "./logger.js";

/**
 * Reports Redis connection errors at most once per `intervalMs`: the first at once, then one line per
 * interval with how many came since the last line (a refused password fails every reconnect, many a second).
 * Only the error's code is logged (`WRONGPASS`, `ECONNREFUSED`), never the host or the password.
 */
export function connectionErrorLog(
  logger: MailQueueLogger,
  intervalMs: number,
  now: () => number = Date.now,
) {
  let lastAt: number | undefined;
  let count = 0;
  return (code: string): void => {
    count += 1;
    const at = now();
    if (lastAt !== undefined && at - lastAt < intervalMs) return;
    logger.error({ code, count, intervalMs }, "redis connection failed");
    lastAt = at;
    count = 0;
  };
}
