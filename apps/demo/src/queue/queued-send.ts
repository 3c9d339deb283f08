import {
  type CreateMailerFromEnvOptions,
  type EnvSource,
  isMailError,
  resolveMailProvider,
  type SendReceipt,
} from "@posse/mail-core";
import type { MailQueue, MailWorker } from "@posse/mail-queue";
import type { DemoEmail } from "../emails/demo-emails.js";
import { step, type TextOutput, writeLine } from "../output.js";
import { printable } from "../printable.js";
import { withHint } from "../report-error.js";
import type { JobSource } from "./job-board.js";
import { type EnqueuedEmail, isSettled, type JobView, jobView } from "./job-view.js";
import { redactedUrl } from "./redacted-url.js";

/** The demo's own queue, so its worker never takes an application's jobs from the same Redis. */
export const DEMO_QUEUE_NAME = "posse-mail-demo";

/** Options of {@link sendThroughQueue}. */
export interface QueuedSendOptions {
  /** The mail variables the worker's mailer is built from (the local inbox's, or the configured provider's). */
  readonly env: EnvSource;
  /** `redis://` or `rediss://` URL of the queue (`--queue`); printed only with its password masked. */
  readonly url: string;
  readonly emails: readonly DemoEmail[];
  /** Who the e-mails are for, as printed (already printable). */
  readonly to: string;
  readonly out: TextOutput;
  /** Passed to `createMailerFromEnv` for the worker's mailer (hooks, …). */
  readonly mailer?: Omit<CreateMailerFromEnvOptions, "env" | "retry">;
  /** How long to wait for the jobs to settle, in ms; default 60 000. */
  readonly waitMs?: number;
}

/** What a queued run did. */
export interface QueuedSend {
  /** The receipts of the jobs that completed, in the e-mails' order. */
  readonly receipts: readonly SendReceipt[];
  /** Every job's view once they settled (or the wait ended). */
  readonly views: readonly JobView[];
  readonly jobs: readonly EnqueuedEmail[];
  /** The queue, still open for the inbox page (the caller closes it). */
  readonly source: JobSource;
}

/** The mail variables without an application's `MAIL_QUEUE_*`: the demo's worker serves the demo's queue only. */
function withoutQueueVariables(env: EnvSource): EnvSource {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith("MAIL_QUEUE_")));
}

/** Enqueue's `UNAVAILABLE`, with a hint about Redis (the usual one is about a provider). */
function unreachable(error: unknown): unknown {
  if (!isMailError(error) || error.code !== "UNAVAILABLE") return error;
  return withHint(
    error,
    "is Redis running at that address, and is the URL's password right? (`redis-cli -u <url> ping` answers PONG)",
  );
}

/** Resolves with the views once every job has settled, re-reading them whenever the worker finishes one. */
function settle(
  queue: MailQueue,
  jobs: readonly EnqueuedEmail[],
  worker: MailWorker,
  waitMs: number,
): Promise<JobView[]> {
  const read = async () => Promise.all(jobs.map(async (job) => jobView(job, await queue.job(job.id))));
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (views: JobView[] | Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      worker.worker.off("completed", check).off("failed", check);
      if (views instanceof Error) reject(views);
      else resolve(views);
    };
    const check = () => {
      read().then(
        (views) => (views.every(isSettled) ? finish(views) : undefined),
        (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
      );
    };
    const timer = setTimeout(() => read().then(finish, finish), waitMs);
    worker.worker.on("completed", check).on("failed", check);
    check();
  });
}

function describe(view: JobView): string {
  const tries = `${view.attempts} attempt${view.attempts === 1 ? "" : "s"}`;
  switch (view.state) {
    case "completed":
      return `completed after ${tries}, via ${printable(view.provider ?? "")}, id ${printable(view.messageId ?? "")}`;
    case "dead-lettered":
      return `dead-lettered after ${tries}: ${printable(view.error ?? "")}`;
    default:
      return `${view.state} after ${tries}`;
  }
}

/** Prints one line per job: its id, which e-mail, its state, attempts, provider and message id or error. */
export function printJobs(views: readonly JobView[], out: TextOutput): void {
  for (const view of views) writeLine(out, `  job ${printable(view.id)} (${view.label}): ${describe(view)}`);
}

/**
 * Sends the e-mails through the queue at `url`: enqueues them with `@posse/mail-queue`, runs a worker in this
 * process built from `env` as `posse-mail-worker` builds one, waits until every job settled, then stops the
 * worker. Resolves with the queue still open, for the inbox page to read the jobs' states.
 */
export async function sendThroughQueue(options: QueuedSendOptions): Promise<QueuedSend> {
  const { env, url, emails, out } = options;
  // Loaded only for --queue: the demo without it loads neither BullMQ nor ioredis.
  const { createMailQueue, createMailWorkerFromEnv } = await import("@posse/mail-queue");
  let queue: MailQueue;
  try {
    queue = createMailQueue({ url, name: DEMO_QUEUE_NAME, attempts: 3, timeoutMs: 5000 });
  } catch (error) {
    throw withHint(error, "give --queue a Redis URL, e.g. redis://127.0.0.1:6379");
  }
  // The queue is the page's job source: its close() ends its connection, also one Redis refused.
  const source: JobSource = queue;
  let worker: MailWorker | undefined;
  try {
    writeLine(
      out,
      `Enqueuing ${emails.length} e-mails to ${options.to} on ${printable(redactedUrl(url))} (queue "${DEMO_QUEUE_NAME}"):`,
    );
    const jobs: EnqueuedEmail[] = [];
    for (const [index, email] of emails.entries()) {
      const id = await step(
        out,
        `  ${index + 1}/${emails.length} ${email.label}`,
        () => queue.enqueue(email.message).catch((error: unknown) => Promise.reject(unreachable(error))),
        (jobId) => `job ${printable(jobId)}`,
      );
      jobs.push({ id, label: email.label });
    }
    const started = await step(
      out,
      "Starting a worker in this process",
      async () => {
        const running = await createMailWorkerFromEnv({
          ...options.mailer,
          env: { ...withoutQueueVariables(env), MAIL_QUEUE_URL: url, MAIL_QUEUE_NAME: DEMO_QUEUE_NAME },
          // A quick retry, so a failing job is a dead letter within seconds rather than minutes.
          worker: { backoff: { baseDelayMs: 200, maxDelayMs: 1000 } },
        });
        worker = running;
        await running.ready;
        return running;
      },
      () => `ready, sending through ${resolveMailProvider(env)?.chain.join(" → ") ?? "(no provider)"}`,
    );
    const views = await step(
      out,
      "Waiting for the jobs",
      () => settle(queue, jobs, started, options.waitMs ?? 60_000),
      (settled) => (settled.every(isSettled) ? "done" : "stopped waiting: not all of them settled"),
    );
    printJobs(views, out);
    const receipts = views.flatMap((view) =>
      view.state === "completed" ? [{ provider: view.provider!, messageId: view.messageId! }] : [],
    );
    return { receipts, views, jobs, source };
  } catch (error) {
    await source.close();
    throw error;
  } finally {
    await worker?.close({ timeoutMs: 1000 });
  }
}
