import type { Redis } from "ioredis";
import type { MailJobResult } from "./job-data.js";

/** What a worker finds before it sends a job. */
export type ClaimState =
  | { readonly state: "go" }
  | { readonly state: "sent"; readonly result: MailJobResult }
  | { readonly state: "interrupted" };

const SENDING = "sending";

/**
 * A marker per job, beside the queue's keys: `sending` is written before the vendor call and stays
 * until the outcome is known; the receipt replaces it once sent. A run that finds `sending` follows a
 * worker that stopped mid-send; one that finds a receipt completes without sending again.
 */
export function createClaims(redis: Redis, keyPrefix: string, keepMs: number) {
  const key = (jobId: string) => `${keyPrefix}:posse-claim:${jobId}`;
  return {
    /** Marks the job as being sent; with `resend` false, only when no earlier run left it mid-send. */
    async begin(jobId: string, resend: boolean): Promise<ClaimState> {
      if (!resend) {
        const set = await redis.set(key(jobId), SENDING, "PX", keepMs, "NX");
        if (set === "OK") return { state: "go" };
      }
      const found = await redis.get(key(jobId));
      if (found?.startsWith("{")) return { state: "sent", result: JSON.parse(found) as MailJobResult };
      if (!resend && found === SENDING) return { state: "interrupted" };
      await redis.set(key(jobId), SENDING, "PX", keepMs);
      return { state: "go" };
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
