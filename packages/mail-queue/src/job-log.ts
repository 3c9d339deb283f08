import type { MailError } from "@posse/mail-core";
import type { MailJobResult } from "./job-data.js";
import type { MailQueueLogger } from "./logger.js";

/** What became of one run of a job, for the log. */
export type JobOutcome =
  | { readonly outcome: "sent"; readonly result: MailJobResult }
  | { readonly outcome: "retrying" | "rate-limited" | "dead-lettered"; readonly error: MailError };

/**
 * One line per job run: `sent` (info), `retrying` / `rate-limited` (warn), `dead-lettered` (error), with the
 * job id, provider, vendor message id, attempt, error code and duration. Never the message or a secret.
 */
export function logJobOutcome(
  logger: MailQueueLogger | undefined,
  jobId: string,
  attempt: number,
  durationMs: number,
  outcome: JobOutcome,
): void {
  if (!logger) return;
  if (outcome.outcome === "sent") {
    const { provider, messageId } = outcome.result;
    logger.info({ jobId, provider, messageId, attempts: attempt, durationMs }, "sent");
    return;
  }
  const { code, provider } = outcome.error;
  const fields = { jobId, provider, attempts: attempt, code, durationMs };
  if (outcome.outcome === "dead-lettered") logger.error(fields, "dead-lettered");
  else logger.warn(fields, outcome.outcome);
}
