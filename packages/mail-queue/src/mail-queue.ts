import {
  type AddressInput,
  MailError,
  type MailMessage,
  normalizeMessage,
  parseAddress,
} from "@posse/mail-core";
import { type Job, Queue } from "bullmq";
import { createClaims } from "./claims.js";
import { closeOnThrow, connect, type QueueLocation, resolveLocation } from "./connection.js";
import { readFailure, type StoredMailError } from "./dead-letter.js";
import { jobIdForKey, type MailJobData, type MailJobResult, storeMessage } from "./job-data.js";
import { injectTraceContext, type TraceContextCarrier } from "./trace-context.js";

/** Options of {@link createMailQueue}. */
export interface MailQueueOptions extends QueueLocation {
  /** Sender for messages without `from`, used only to validate them; default: the worker's mailer fills it in. */
  readonly from?: AddressInput;
  /** Most attempts per message, first included; default 8. */
  readonly attempts?: number;
  /** How long `enqueue` waits for Redis, in ms; default 10 000. Then it rejects with `UNAVAILABLE`. */
  readonly timeoutMs?: number;
  /** How long a completed job (and so its idempotency key) is kept, in seconds; default 86 400 (24 h). */
  readonly keepCompletedSeconds?: number;
  /** How long a dead letter (with its message) is kept, in seconds; default: until redriven or removed. */
  readonly keepDeadLettersSeconds?: number;
  /** Stores the caller's trace context with each job, for the worker's send to join its trace. */
  readonly traceContext?: TraceContextCarrier;
}

/** Per-enqueue options. */
export interface EnqueueOptions {
  /** Send no sooner than this many ms from now. */
  readonly delayMs?: number;
}

/** Where a job stands. */
export type MailJobState =
  | "waiting"
  | "delayed"
  | "active"
  | "completed"
  | "dead-lettered"
  | "prioritized"
  | "unknown";

/** A job as an operator sees it. */
export interface MailJobInfo {
  /** Job id (from the idempotency key when there is one). */
  readonly id: string;
  /** Its state; `dead-lettered`: failed for good, kept until an operator redrives or removes it. */
  readonly state: MailJobState;
  /** Attempts made so far. */
  readonly attempts: number;
  /** For a sent message: the provider, its message id and the attempt that sent it. */
  readonly result?: MailJobResult;
  /** For a failed job: the redacted `MailError` as JSON. */
  readonly error?: StoredMailError;
  /** The idempotency key of the message, if any. */
  readonly idempotencyKey?: string;
}

/** Validation-only sender when neither the message nor the queue names one; never sent. */
const PLACEHOLDER_FROM = { address: "sender@placeholder.invalid" };

/** The producer side of a mail queue. */
export interface MailQueue {
  /** The BullMQ queue underneath. */
  readonly queue: Queue<MailJobData, MailJobResult>;
  /** Validates like `send` (`INVALID_MESSAGE` here, not in a worker), adds a job, resolves to its id. */
  enqueue(message: MailMessage, options?: EnqueueOptions): Promise<string>;
  /** A job's state, result or error; `undefined` when there is no such job. */
  job(id: string): Promise<MailJobInfo | undefined>;
  /** Dead letters (failed jobs), newest first. */
  deadLetters(options?: { readonly start?: number; readonly end?: number }): Promise<MailJobInfo[]>;
  /** Sends a dead letter again: clears its marker and attempts and moves it back to waiting. */
  redrive(id: string): Promise<void>;
  /** Deletes a dead letter (its message and its marker); `CONFIG` for an id that is not one. */
  remove(id: string): Promise<void>;
  /** Closes every connection it opened, also one that never came up (no reconnecting after); idempotent. */
  close(): Promise<void>;
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new MailError("CONFIG", `${name} must be a whole number of at least 1`);
  return value;
}

/** BullMQ's name of a state as {@link MailJobState}: its failed set holds the dead letters. */
function stateName(state: string): MailJobState {
  if (state === "wait") return "waiting";
  return (state === "failed" ? "dead-lettered" : state) as MailJobState;
}

/** Describes a BullMQ job as a {@link MailJobInfo}; `state` must be read before the job, so the two agree. */
function describeJob(job: Job<MailJobData, MailJobResult>, state: string): MailJobInfo {
  const key = job.data?.message?.idempotencyKey;
  return {
    id: job.id!,
    state: stateName(state),
    attempts: job.attemptsMade,
    ...(job.returnvalue ? { result: job.returnvalue } : {}),
    ...(state === "failed" ? { error: readFailure(job.failedReason) } : {}),
    ...(key === undefined ? {} : { idempotencyKey: key }),
  };
}

/** Opens a mail queue for producing: enqueue messages, inspect jobs and dead letters, re-drive them. */
export function createMailQueue(options: MailQueueOptions): MailQueue {
  const location = resolveLocation(options);
  const from = options.from === undefined ? undefined : parseAddress(options.from, "from");
  const attempts = positiveInteger(options.attempts, 8, "attempts");
  const timeoutMs = positiveInteger(options.timeoutMs, 10_000, "timeoutMs");
  const keepCompletedSeconds = positiveInteger(options.keepCompletedSeconds, 86_400, "keepCompletedSeconds");
  const keepDeadLetters =
    options.keepDeadLettersSeconds === undefined
      ? false
      : { age: positiveInteger(options.keepDeadLettersSeconds, 1, "keepDeadLettersSeconds") };
  const connections = connect(location.url, "producer", location.cluster);
  const { redis } = connections;
  const queue = closeOnThrow(
    connections,
    () =>
      new Queue<MailJobData, MailJobResult>(location.name, { connection: redis, prefix: location.prefix }),
  );
  // Connection errors reach the caller as enqueue's rejection; BullMQ would print them otherwise.
  queue.on("error", () => undefined);
  const claims = createClaims(redis, `${location.prefix}:${location.name}`, keepCompletedSeconds * 1000);
  let closing: Promise<void> | undefined;

  /** Adds the job, or rejects once Redis has not confirmed it within `timeoutMs`. */
  async function add(data: MailJobData, key: string | undefined, delayMs: number | undefined) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error("timed out"), { name: "Timeout" })), timeoutMs);
    });
    try {
      const adding = queue.add("send", data, {
        ...(key === undefined ? {} : { jobId: jobIdForKey(key) }),
        attempts,
        backoff: { type: "mail" },
        ...(delayMs ? { delay: delayMs } : {}),
        removeOnComplete: { age: keepCompletedSeconds },
        removeOnFail: keepDeadLetters,
      });
      adding.catch(() => undefined); // settles after the timeout, or when Redis is back
      return await Promise.race([adding, timeout]);
    } catch (error) {
      // No cause: a Redis client error can carry the command's arguments, i.e. the whole message.
      const name = error instanceof Error ? error.name : "unknown error";
      const last = connections.lastError();
      const why = last === undefined ? name : `${name}; the connection's last error: ${last}`;
      throw new MailError(
        "UNAVAILABLE",
        `the queue's Redis did not confirm the job (${why}); enqueue it again (with an idempotencyKey that adds nothing if the first one arrived)`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  async function getJob(id: string) {
    return (await queue.getJob(id)) as Job<MailJobData, MailJobResult> | undefined;
  }

  async function deadLetter(id: string, operation: string) {
    const job = await getJob(id);
    if (!job || (await job.getState()) !== "failed") {
      throw new MailError("CONFIG", `${operation} takes the id of a dead letter`);
    }
    return job;
  }

  return {
    queue,
    async enqueue(message, enqueueOptions = {}) {
      const normalized = normalizeMessage(message, from ?? PLACEHOLDER_FROM);
      // The message is read once: whether it named a sender shows in what normalizeMessage returned.
      const data = storeMessage(normalized, normalized.from !== PLACEHOLDER_FROM);
      const trace = injectTraceContext(options.traceContext);
      const job = await add(
        trace ? { ...data, trace } : data,
        normalized.idempotencyKey,
        enqueueOptions.delayMs,
      );
      return job.id!;
    },
    async job(id) {
      const state = await queue.getJobState(id);
      const job = state === "unknown" ? undefined : await getJob(id);
      return job ? describeJob(job, state) : undefined;
    },
    async deadLetters({ start = 0, end = 99 } = {}) {
      const jobs = (await queue.getFailed(start, end)) as Job<MailJobData, MailJobResult>[];
      return jobs.filter(Boolean).map((job) => describeJob(job, "failed"));
    },
    async redrive(id) {
      const job = await deadLetter(id, "redrive");
      await claims.clear(id);
      await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
    },
    async remove(id) {
      const job = await deadLetter(id, "remove");
      await job.remove();
      await claims.clear(id);
    },
    close() {
      closing ??= (async () => {
        try {
          await queue.close();
        } finally {
          await connections.close();
        }
      })();
      return closing;
    },
  };
}
