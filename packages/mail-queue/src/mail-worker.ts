import { isMailError, MailError, type Mailer } from "@posse/mail-core";
import { type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { type ClaimState, createClaims } from "./claims.js";
import {
  closeOnThrow,
  connect,
  connectionErrorCode,
  type QueueLocation,
  resolveLocation,
} from "./connection.js";
import { connectionErrorLog } from "./connection-log.js";
import { failureText, interruptedSendError } from "./dead-letter.js";
import { type MailJobData, type MailJobResult, restoreMessage } from "./job-data.js";
import { type JobOutcome, logJobOutcome } from "./job-log.js";
import { type BatchOptions, sendAlone, sendBatched } from "./job-send.js";
import type { MailQueueLogger } from "./logger.js";
import type { TraceContextCarrier } from "./trace-context.js";

/** What a worker does with a message whose send may or may not have reached the vendor. */
export type UnknownOutcomePolicy = "resend" | "dead-letter";

/** A global limit on sends for a queue: at most `max` per fixed window of `durationMs`. */
export interface QueueRateLimit {
  /** Sends per window, shared by every worker of the queue. */
  readonly max: number;
  /** Window length in ms; default 1000. */
  readonly durationMs?: number;
}

/** Options of {@link createMailWorker}. */
export interface MailWorkerOptions extends QueueLocation {
  /** Sends the messages; the worker calls it with one request per provider per job (the queue retries). */
  readonly mailer: Mailer;
  /** Jobs worked on at once by this worker; default 10 (or `batch.size` when larger). */
  readonly concurrency?: number;
  /**
   * Take jobs in batches of up to `size`, each waiting up to `waitMs` (default 50) for the others, sent with
   * one `mailer.sendMany` (one request per batch where the provider has a batch call); every job keeps its
   * own outcome, retries, dead letter, idempotency key and send marker. Default: one `send` per job.
   */
  readonly batch?: BatchOptions;
  /** Global limit for the queue (every worker, every machine); set when the worker starts, removed if absent. */
  readonly rateLimit?: QueueRateLimit;
  /** Default `dead-letter` (at most once); `resend` is at least once. See the README. */
  readonly onUnknownOutcome?: UnknownOutcomePolicy;
  /** Providers that absorb a re-send with the same idempotency key; default `resend`, `brevo`. */
  readonly idempotentProviders?: readonly string[];
  /** Backoff between attempts: base (doubles, full jitter) and cap in ms; Retry-After wins when longer. */
  readonly backoff?: { readonly baseDelayMs?: number; readonly maxDelayMs?: number };
  /** How long a 429 without Retry-After pauses the queue, in ms; default 1000. */
  readonly rateLimitedDelayMs?: number;
  /** How long a job's lock lasts without renewal, in ms; default 30 000 (keep it over twice the send timeout). */
  readonly lockDurationMs?: number;
  /** How often stalled jobs (their worker died) are looked for, in ms; default 30 000. */
  readonly stalledIntervalMs?: number;
  /** How long the per-job send marker is kept, in seconds; default 86 400. */
  readonly keepMarkerSeconds?: number;
  /** Random source in [0, 1) for backoff jitter. */
  readonly random?: () => number;
  /** Sends each job within the trace context stored at enqueue (the queue's `traceContext`). */
  readonly traceContext?: TraceContextCarrier;
  /** Gets one line per job outcome and the connection errors (pino's logger fits); default: nothing logged. */
  readonly logger?: MailQueueLogger;
  /** Connection errors are logged at most once per this many ms, with a count; default 10 000. */
  readonly connectionErrorIntervalMs?: number;
}

/** A running worker. */
export interface MailWorker {
  /** The BullMQ worker underneath. */
  readonly worker: Worker<MailJobData, MailJobResult>;
  /** Resolves once the worker is connected and its rate limit is set; rejects `UNAVAILABLE` if closed before. */
  readonly ready: Promise<void>;
  /**
   * Stops taking jobs, waits up to `timeoutMs` (default 25 000) for sends under way, then stops the rest
   * (their jobs are picked up again once their lock expires) and closes the connections.
   */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
}

/** A retryable failure, carrying the vendor's Retry-After to the backoff. */
class RetryLater extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
  }
}

/** A send that must not be tried again: the job is dead-lettered with `error`. */
class Refusal extends Error {
  constructor(readonly error: MailError) {
    super(error.message);
  }
}

/** A send that may pass on a later attempt (or after the 429 pause). */
class Retry extends Error {
  constructor(readonly error: MailError) {
    super(error.message);
  }
}

function toMailError(error: unknown): MailError {
  if (isMailError(error)) return error;
  return new MailError("UNKNOWN", "the mailer failed with an error that is not a MailError", {
    retryable: false,
    outcomeUnknown: true,
  });
}

/** The delay before attempt `attemptsMade + 1`: full-jitter exponential, or Retry-After when longer. */
export function backoffDelay(
  attemptsMade: number,
  retryAfterMs: number | undefined,
  base: number,
  cap: number,
  random: () => number,
): number {
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attemptsMade - 1));
  return Math.max(Math.floor(random() * ceiling), retryAfterMs ?? 0);
}

/** Starts a worker that sends a queue's messages through `mailer`. */
export function createMailWorker(options: MailWorkerOptions): MailWorker {
  const location = resolveLocation(options);
  const { mailer } = options;
  const onUnknownOutcome = options.onUnknownOutcome ?? "dead-letter";
  if (onUnknownOutcome !== "resend" && onUnknownOutcome !== "dead-letter") {
    throw new MailError("CONFIG", 'onUnknownOutcome must be "resend" or "dead-letter"');
  }
  for (const [field, value] of [
    ["concurrency", options.concurrency],
    ["batch.size", options.batch?.size],
    ["batch.waitMs", options.batch?.waitMs],
    ["rateLimit.max", options.rateLimit?.max],
    ["rateLimit.durationMs", options.rateLimit?.durationMs],
    ["connectionErrorIntervalMs", options.connectionErrorIntervalMs],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new MailError("CONFIG", `${field} must be a whole number of at least 1`);
    }
  }
  const concurrency = options.concurrency ?? Math.max(10, options.batch?.size ?? 0);
  if (options.batch && options.batch.size > concurrency) {
    throw new MailError(
      "CONFIG",
      "batch.size must not be more than concurrency (a batch is of jobs held at once)",
    );
  }
  const idempotent = new Set(options.idempotentProviders ?? ["resend", "brevo"]);
  const absorbsKeys = mailer.providers.every((id) => idempotent.has(id));
  const base = options.backoff?.baseDelayMs ?? 1000;
  const cap = options.backoff?.maxDelayMs ?? 300_000;
  const random = options.random ?? Math.random;
  const rateLimitedDelayMs = options.rateLimitedDelayMs ?? 1000;
  const keyPrefix = `${location.prefix}:${location.name}`;
  const connections = connect(location.url, "worker", location.cluster);
  const { redis } = connections;
  const queue = closeOnThrow(
    connections,
    () =>
      new Queue<MailJobData, MailJobResult>(location.name, { connection: redis, prefix: location.prefix }),
  );
  queue.on("error", () => undefined); // the worker's own listener reports connection trouble
  const claims = createClaims(redis, keyPrefix, (options.keepMarkerSeconds ?? 86_400) * 1000);
  const send = options.batch ? sendBatched(mailer, options.batch) : sendAlone(mailer, options.traceContext);

  // Sends under way, so close() can wait for them up to its deadline.
  const inFlight = new Set<Promise<unknown>>();

  function track(job: Job<MailJobData, MailJobResult>): Promise<MailJobResult> {
    const running = process(job);
    const settled = running.catch(() => undefined);
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
    return running;
  }

  async function process(job: Job<MailJobData, MailJobResult>): Promise<MailJobResult> {
    const started = Date.now();
    const attempt = job.attemptsMade + 1;
    const report = (outcome: JobOutcome) =>
      logJobOutcome(options.logger, job.id!, attempt, Date.now() - started, outcome);
    const deadLetter = (error: MailError) => {
      report({ outcome: "dead-lettered", error });
      return new UnrecoverableError(failureText(error));
    };
    try {
      const result = await attemptSend(job, attempt);
      report({ outcome: "sent", result });
      return result;
    } catch (caught) {
      if (caught instanceof Refusal) throw deadLetter(caught.error);
      if (!(caught instanceof Retry)) throw caught;
      const { error } = caught;
      if (error.code === "RATE_LIMITED") {
        report({ outcome: "rate-limited", error });
        // Pauses the whole queue (every worker); the job goes back to waiting without using an attempt.
        await queue.rateLimit(error.retryAfterMs ?? rateLimitedDelayMs);
        throw Worker.RateLimitError();
      }
      if (attempt >= (job.opts.attempts ?? 1)) throw deadLetter(error);
      report({ outcome: "retrying", error });
      throw new RetryLater(failureText(error), error.retryAfterMs);
    }
  }

  /** One send of a job: its receipt, or a {@link Refusal} (dead letter) or {@link Retry}. */
  async function attemptSend(job: Job<MailJobData, MailJobResult>, attempt: number): Promise<MailJobResult> {
    const jobId = job.id!;
    if (job.data?.v !== 1) {
      throw new Refusal(
        new MailError("INVALID_MESSAGE", "the job was not enqueued by a compatible @posse/mail-queue", {
          retryable: false,
        }),
      );
    }
    const message = restoreMessage(job.data);
    // A vendor that honours the key absorbs a second send: re-sending is then safe whatever the policy.
    const resend = onUnknownOutcome === "resend" || (absorbsKeys && message.idempotencyKey !== undefined);
    // A job run before (a retry, a stalled job) may have been sent: look before calling the mailer at all.
    // A first run skips that round trip; the claim below still finds an earlier receipt or marker.
    if (job.attemptsStarted > 1 || job.attemptsMade > 0) {
      const claim = await claims.inspect(jobId, resend);
      if (claim.state === "sent") return claim.result;
      if (claim.state === "interrupted") throw new Refusal(interruptedSendError());
    }
    // Claimed once the request is on its way (not while it waits for the mailer or a pooled connection), and
    // once per job: a failover's request gets the same answer.
    let claiming: Promise<ClaimState> | undefined;
    const claim = () => (claiming ??= claims.claim(jobId, resend));
    const outcome = await send({ message, trace: job.data.trace, claim });
    if (!outcome.ok) {
      const claimed = await claiming?.catch(() => undefined);
      if (claimed?.state === "sent") return claimed.result; // an earlier run sent it: nothing requested now
      if (claimed?.state === "interrupted") throw new Refusal(interruptedSendError());
      const error = toMailError(outcome.error);
      if (error.outcomeUnknown && !resend) throw new Refusal(error);
      if (!error.outcomeUnknown) await claims.clear(jobId);
      if (!error.retryable) throw new Refusal(error);
      throw new Retry(error);
    }
    const result = { ...outcome.receipt, attempts: attempt };
    // Not awaited: written on the connection BullMQ then completes the job on, so Redis has the receipt
    // before the job's completion, and the job's slot is free one round trip sooner.
    claims.sent(jobId, result).catch(() => undefined);
    return result;
  }

  const worker = closeOnThrow(
    connections,
    () =>
      new Worker<MailJobData, MailJobResult>(location.name, track, {
        connection: redis,
        prefix: location.prefix,
        concurrency,
        lockDuration: options.lockDurationMs ?? 30_000,
        stalledInterval: options.stalledIntervalMs ?? 30_000,
        maxStalledCount: 3,
        // BullMQ honours queue.rateLimit (the 429 pause) only where a limit is set: this one, which no queue
        // reaches, applies when the queue has no global limit of its own (the global limit takes precedence).
        limiter: { max: 1_000_000_000, duration: 1000 },
        settings: {
          backoffStrategy: (attemptsMade, _type, error) =>
            backoffDelay(
              attemptsMade,
              error instanceof RetryLater ? error.retryAfterMs : undefined,
              base,
              cap,
              random,
            ),
        },
      }),
  );
  // Errors of the worker itself (a lost connection) are retried by BullMQ; keep them from crashing the process,
  // and report them (by code, throttled) when there is a logger.
  const logger = options.logger;
  const reportConnection = logger && connectionErrorLog(logger, options.connectionErrorIntervalMs ?? 10_000);
  worker.on("error", (error) => reportConnection?.(connectionErrorCode(error)));

  // A Redis that refuses the password or is gone leaves BullMQ reconnecting: `ready` waits, until close().
  let closedBeforeReady = (): void => undefined;
  const ready = Promise.race([
    (async () => {
      await worker.waitUntilReady();
      if (options.rateLimit) {
        await queue.setGlobalRateLimit(options.rateLimit.max, options.rateLimit.durationMs ?? 1000);
      } else {
        await queue.removeGlobalRateLimit();
      }
    })(),
    new Promise<never>((_, reject) => {
      closedBeforeReady = () => {
        const last = connections.lastError();
        const why = last === undefined ? "" : ` (the connection's last error: ${last})`;
        reject(
          new MailError("UNAVAILABLE", `the worker was closed before the queue's Redis was ready${why}`),
        );
      };
    }),
  ]);

  let closing: Promise<void> | undefined;
  return {
    worker,
    ready,
    close({ timeoutMs = 25_000 } = {}) {
      closing ??= (async () => {
        // Not waiting for `ready`: a worker whose Redis refuses it or is gone never gets ready. A pending
        // `ready` rejects (UNAVAILABLE), handled here so that a caller not awaiting it sees no unhandled rejection.
        closedBeforeReady();
        ready.catch(() => undefined);
        try {
          // Stop fetching, wait for the sends under way up to the deadline, then close without waiting:
          // a send still running keeps its job active until the lock expires, and the next worker to
          // run it finds the job's marker (an unknown outcome, handled by onUnknownOutcome).
          await worker.pause(true);
          let timer: NodeJS.Timeout | undefined;
          const deadline = new Promise<void>((resolve) => {
            timer = setTimeout(resolve, timeoutMs);
          });
          await Promise.race([Promise.all(inFlight), deadline]);
          clearTimeout(timer);
          await worker.close(true);
          await queue.close();
        } finally {
          // Every connection it opened (the blocking one BullMQ duplicated included), also one never up.
          await connections.close();
        }
      })();
      return closing;
    },
  };
}
