import type { MailJobInfo } from "@posse/mail-queue";

/** How the demo shows a job's state: the queue's states, named as a person reads them. */
export type JobStateLabel = "waiting" | "active" | "completed" | "failed" | "dead-lettered" | "unknown";

/** One e-mail the demo enqueued: its job id and which of the three e-mails it is. */
export interface EnqueuedEmail {
  readonly id: string;
  readonly label: string;
}

/** A job as the inbox page and the `--exit` list show it. */
export interface JobView {
  readonly id: string;
  readonly label: string;
  readonly state: JobStateLabel;
  /** Attempts made so far. */
  readonly attempts: number;
  /** For a completed job: the provider that accepted the message and the vendor's message id. */
  readonly provider?: string;
  readonly messageId?: string;
  /** For a dead letter: the redacted error, `CODE: message`. */
  readonly error?: string;
}

/** States after which the job changes no more without a person (a dead letter waits for a redrive). */
export function isSettled(view: JobView): boolean {
  return view.state === "completed" || view.state === "dead-lettered" || view.state === "unknown";
}

/**
 * The view of a job from what the queue reports (`undefined`: the job is gone). A job not running that
 * has used attempts failed one and waits for its retry (`failed`).
 */
export function jobView(job: EnqueuedEmail, info: MailJobInfo | undefined): JobView {
  const base = { id: job.id, label: job.label, attempts: info?.attempts ?? 0 };
  switch (info?.state) {
    case "completed":
      return {
        ...base,
        state: "completed",
        ...(info.result ? { provider: info.result.provider, messageId: info.result.messageId } : {}),
      };
    case "dead-lettered":
      return {
        ...base,
        state: "dead-lettered",
        ...(info.error ? { error: `${info.error.code}: ${info.error.message}` } : {}),
      };
    case "active":
      return { ...base, state: "active" };
    case "waiting":
    case "delayed":
    case "prioritized":
      return { ...base, state: info.attempts > 0 ? "failed" : "waiting" };
    default:
      return { ...base, state: "unknown" };
  }
}
