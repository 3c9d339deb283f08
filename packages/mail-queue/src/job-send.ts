import { MailError, type Mailer, type MailMessage, type SendReceipt } from "@posse/mail-core";
import type { ClaimState } from "./claims.js";
import { interruptedSendError } from "./dead-letter.js";
import { gatherer } from "./gather.js";
import type { TraceContextCarrier } from "./trace-context.js";

/** A job's message on its way to the mailer, with its claim: taken once, however many requests ask. */
export interface JobSending {
  readonly message: MailMessage;
  /** The job's stored trace context, if any. */
  readonly trace: Readonly<Record<string, string>> | undefined;
  /** Claims the job (the `sending` marker) the first time, then returns the same answer. */
  claim(): Promise<ClaimState>;
}

/** What the mailer made of one job's message. */
export type SendOutcome =
  | { readonly ok: true; readonly receipt: SendReceipt }
  | { readonly ok: false; readonly error: unknown };

/** How a worker sends a job's message: alone, or gathered into `sendMany` calls. */
export type JobSender = (sending: JobSending) => Promise<SendOutcome>;

/** Jobs taken in batches: at most `size` per `sendMany`, each waiting at most `waitMs` for the others. */
export interface BatchOptions {
  /** Most jobs per `sendMany` call (the vendor's batch requests split it further at its own limit). */
  readonly size: number;
  /** How long the first job of a batch waits for more, in ms; default 50. */
  readonly waitMs?: number;
}

/** One `mailer.send` per job, within the job's trace context; its claim runs before the request. */
export function sendAlone(mailer: Mailer, traceContext: TraceContextCarrier | undefined): JobSender {
  return async (sending) => {
    const beforeRequest = async () => {
      if ((await sending.claim()).state !== "go") throw interruptedSendError();
    };
    const send = () => mailer.send(sending.message, { attempts: 1, beforeRequest });
    try {
      const { trace } = sending;
      return { ok: true, receipt: await (traceContext && trace ? traceContext.run(trace, send) : send()) };
    } catch (error) {
      return { ok: false, error };
    }
  };
}

/**
 * Jobs gathered into `mailer.sendMany` calls (the provider's batch requests where it has them), each job
 * with its own result. Before a request, every job it carries is claimed; when one of them is not free (sent
 * by an earlier run, or being sent by another), nothing is sent and the others are retried. Not within the
 * jobs' trace contexts: a call carries several.
 */
export function sendBatched(mailer: Mailer, options: BatchOptions): JobSender {
  return gatherer(options.size, options.waitMs ?? 50, async (batch: readonly JobSending[]) => {
    const results = await mailer.sendMany(
      batch.map((sending) => sending.message),
      {
        attempts: 1,
        concurrency: batch.length,
        beforeRequest: async (indexes) => {
          const claims = await Promise.allSettled(indexes.map((index) => batch[index]!.claim()));
          if (claims.every((claim) => claim.status === "fulfilled" && claim.value.state === "go")) return;
          throw new MailError(
            "UNAVAILABLE",
            "another message of this batch request was sent or is being sent by another run, so the request was not made",
          );
        },
      },
    );
    return results.map(
      (result): SendOutcome =>
        result.ok ? { ok: true, receipt: result.receipt } : { ok: false, error: result.error },
    );
  });
}
