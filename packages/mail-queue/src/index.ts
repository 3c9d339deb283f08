export { DEFAULT_PREFIX, DEFAULT_QUEUE_NAME, type QueueLocation } from "./connection.js";
export type { StoredMailError } from "./dead-letter.js";
export { jobIdForKey, type MailJobData, type MailJobResult } from "./job-data.js";
export type { LogFormat, MailQueueLogger } from "./logger.js";
export {
  createMailQueue,
  type EnqueueOptions,
  type MailJobInfo,
  type MailJobState,
  type MailQueue,
  type MailQueueOptions,
} from "./mail-queue.js";
export {
  createMailWorker,
  type MailWorker,
  type MailWorkerOptions,
  type QueueRateLimit,
  type UnknownOutcomePolicy,
} from "./mail-worker.js";
export type { TraceContextCarrier } from "./trace-context.js";
export { createMailWorkerFromEnv, QUEUE_ENV, workerOptionsFromEnv } from "./worker-from-env.js";
