import type { RedisClient } from "./connection.js";
import type { MailJobResult } from "./job-data.js";

/** What a worker finds before it sends a job. */
export type ClaimState =
  | { readonly state: "go" }
  | { readonly state: "sent"; readonly result: MailJobResult }
  | { readonly state: "interrupted" };

const SENDING = "sending";

/**
 * A marker per job, beside the queue's keys: `sending` is written once the request is about to go to the
 * vendor (the mailer's `beforeRequest`, which every provider awaits once it holds the request's
 * connection, just before the first byte) and stays until the outcome is known; the receipt replaces it
 * once sent. A run that finds `sending` follows a worker that stopped mid-send; one that finds a receipt
 * completes without sending again. A worker that stops before the request leaves no marker, so the job is
 * simply sent by the next run.
 */
export function createClaims(redis: RedisClient, keyPrefix: string, keepMs: number) {
  const key = (jobId: string) => `${keyPrefix}:posse-claim:${jobId}`;
  return {
    /** What an earlier run left: a receipt, a send it did not finish (when re-sending is not safe), or nothing. */
    async inspect(jobId: string, resend: boolean): Promise<ClaimState> {
      const found = await redis.get(key(jobId));
      if (found?.startsWith("{")) return { state: "sent", result: JSON.parse(found) as MailJobResult };
      if (!resend && found === SENDING) return { state: "interrupted" };
      return { state: "go" };
    },
    /**
     * Marks the job as being sent, just before its request goes out. With `resend` false only when no other
     * run marked it meanwhile (a lost lock): false then, and the request must not go.
     */
    async mark(jobId: string, resend: boolean): Promise<boolean> {
      if (resend) return (await redis.set(key(jobId), SENDING, "PX", keepMs)) === "OK";
      return (await redis.set(key(jobId), SENDING, "PX", keepMs, "NX")) === "OK";
    },
    /** Records the receipt, so a re-run after a crash before the acknowledgement does not send again. */
    async sent(jobId: string, result: MailJobResult): Promise<void> {
      await redis.set(key(jobId), JSON.stringify(result), "PX", keepMs);
    },
    /** Forgets the job: it certainly was not sent (or an operator re-drives it). */
    async clear(jobId: string): Promise<void> {
      await redis.del(key(jobId));
    },
  };
}

/** The claims of one queue. */
export type Claims = ReturnType<typeof createClaims>;
