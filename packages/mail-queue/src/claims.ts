import type { RedisClient } from "./connection.js";
import type { MailJobResult } from "./job-data.js";

/** What a worker finds before it sends a job. */
export type ClaimState =
  | { readonly state: "go" }
  | { readonly state: "sent"; readonly result: MailJobResult }
  | { readonly state: "interrupted" };

const SENDING = "sending";

// The claim before a request, in one round trip: an earlier run's receipt (sent: no request), a `sending`
// marker when re-sending is not safe (ARGV[2] '0': interrupted), else the marker is written.
const CLAIM = `
local found = redis.call('GET', KEYS[1])
if found and string.sub(found, 1, 1) == '{' then return found end
if found == ARGV[3] and ARGV[2] == '0' then return false end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[1])
return ARGV[3]`;

type ClaimingClient = RedisClient & {
  posseClaim(key: string, keepMs: number, resend: string, sending: string): Promise<string | null>;
};

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
  if (!("posseClaim" in redis)) redis.defineCommand("posseClaim", { numberOfKeys: 1, lua: CLAIM });
  const claiming = redis as ClaimingClient;
  const state = (found: string | null, resend: boolean): ClaimState => {
    if (found?.startsWith("{")) return { state: "sent", result: JSON.parse(found) as MailJobResult };
    if (!resend && found === SENDING) return { state: "interrupted" };
    return { state: "go" };
  };
  return {
    /** What an earlier run left: a receipt, a send it did not finish (when re-sending is not safe), or nothing. */
    async inspect(jobId: string, resend: boolean): Promise<ClaimState> {
      return state(await redis.get(key(jobId)), resend);
    },
    /**
     * Marks the job as being sent, just before its request goes out, unless an earlier run left a receipt
     * (`sent`) or, when re-sending is not safe, a `sending` marker (`interrupted`: another run is sending it,
     * or was when it stopped): checked and written at once, so two runs never both go.
     */
    async claim(jobId: string, resend: boolean): Promise<ClaimState> {
      const found = await claiming.posseClaim(key(jobId), keepMs, resend ? "1" : "0", SENDING);
      if (found === null) return { state: "interrupted" };
      return found === SENDING ? { state: "go" } : state(found, resend);
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
