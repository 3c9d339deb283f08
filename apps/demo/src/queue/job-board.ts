import type { MailJobInfo, MailQueue } from "@posse/mail-queue";
import { type EnqueuedEmail, type JobView, jobView } from "./job-view.js";
import type { HttpListener } from "./queue-dashboard.js";

/** Where the board reads jobs from: the demo's queue, open while the inbox serves. */
export interface JobSource {
  /** The job, as the queue reports it now; `undefined` when there is no such job. */
  job(id: string): Promise<MailJobInfo | undefined>;
  /** Closes the connection (when the inbox closes). */
  close(): Promise<void>;
  /** The BullMQ queue underneath, for bull-board at /queues. */
  readonly queue?: MailQueue["queue"];
}

/** The jobs the inbox page shows (`demo --queue`), read from the queue on each view. */
export interface JobBoard {
  /** Shows these jobs from now on, read through `source`, which is closed with the inbox. */
  show(jobs: readonly EnqueuedEmail[], source: JobSource): void;
  /** Each job's view now, in the order they were enqueued; empty when the demo runs without a queue. */
  views(): Promise<readonly JobView[]>;
  /** bull-board for the source's queue (made on first use); `undefined` before `show` or without a queue. */
  dashboard(): Promise<HttpListener | undefined>;
  /** Closes the source, if any. */
  close(): Promise<void>;
}

/** An empty board: the inbox shows no jobs until `show` is called. */
export function createJobBoard(): JobBoard {
  let shown: { jobs: readonly EnqueuedEmail[]; source: JobSource } | undefined;
  let dashboard: Promise<HttpListener> | undefined;
  return {
    show(jobs, source) {
      shown = { jobs: [...jobs], source };
      dashboard = undefined;
    },
    dashboard() {
      const queue = shown?.source.queue;
      if (!queue) return Promise.resolve(undefined);
      dashboard ??= import("./queue-dashboard.js").then(({ queueDashboard }) => queueDashboard(queue));
      return dashboard;
    },
    async views() {
      if (!shown) return [];
      const { jobs, source } = shown;
      return Promise.all(jobs.map(async (job) => jobView(job, await source.job(job.id))));
    },
    async close() {
      await shown?.source.close();
    },
  };
}
