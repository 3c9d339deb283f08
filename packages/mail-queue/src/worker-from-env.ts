import {
  type CreateMailerFromEnvOptions,
  createMailerFromEnv,
  type EnvSource,
  MailError,
  type Mailer,
} from "@posse/mail-core";
import { registerKnownVariables } from "@posse/mail-core/provider";
import { locationFromEnv, readEnv as read } from "./location-from-env.js";
import type { LogFormat } from "./logger.js";
import {
  createMailWorker,
  type MailWorker,
  type MailWorkerOptions,
  type UnknownOutcomePolicy,
} from "./mail-worker.js";
import { workerSuppressionFromEnv } from "./suppression-from-env.js";

/** The variables the queue reads (its worker and CLIs), read by {@link workerOptionsFromEnv} and the CLIs. */
export const QUEUE_ENV = [
  "MAIL_QUEUE_URL",
  "MAIL_QUEUE_NAME",
  "MAIL_QUEUE_PREFIX",
  "MAIL_QUEUE_CONCURRENCY",
  "MAIL_QUEUE_RATE_LIMIT",
  "MAIL_QUEUE_RATE_WINDOW_MS",
  "MAIL_QUEUE_ON_UNKNOWN_OUTCOME",
  "MAIL_QUEUE_IDEMPOTENT_PROVIDERS",
  "MAIL_QUEUE_LOCK_DURATION_MS",
  "MAIL_QUEUE_STALLED_INTERVAL_MS",
  "MAIL_QUEUE_SHUTDOWN_TIMEOUT_MS",
  "MAIL_QUEUE_LOG_FORMAT",
  "MAIL_QUEUE_ALLOW_PLAINTEXT",
  "MAIL_QUEUE_CLUSTER",
  "MAIL_QUEUE_ERROR_LOG_INTERVAL_MS",
  "MAIL_QUEUE_SUPPRESSION",
  "MAIL_QUEUE_BATCH_SIZE",
  "MAIL_QUEUE_BATCH_WAIT_MS",
  "MAIL_SUPPRESSION_PREFIX",
  "MAIL_SUPPRESSION_HASH_SECRET",
] as const;

// Known to the core once the queue is imported: createMailerFromEnv names a misspelling ("did you mean").
registerKnownVariables(QUEUE_ENV);

function wholeNumber(env: EnvSource, name: string): number | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new MailError("CONFIG", `${name} must be a whole number of at least 1`);
  }
  return Number(value);
}

/** Worker options (without the mailer) from `MAIL_QUEUE_*`, the shutdown deadline and the log format. */
export function workerOptionsFromEnv(env: EnvSource = process.env): {
  options: Omit<MailWorkerOptions, "mailer">;
  shutdownTimeoutMs: number;
  logFormat: LogFormat;
} {
  const location = locationFromEnv(env);
  const policy = read(env, "MAIL_QUEUE_ON_UNKNOWN_OUTCOME");
  if (policy !== undefined && policy !== "resend" && policy !== "dead-letter") {
    throw new MailError("CONFIG", 'MAIL_QUEUE_ON_UNKNOWN_OUTCOME must be "resend" or "dead-letter"');
  }
  const logFormat = read(env, "MAIL_QUEUE_LOG_FORMAT") ?? "text";
  if (logFormat !== "text" && logFormat !== "json") {
    throw new MailError("CONFIG", 'MAIL_QUEUE_LOG_FORMAT must be "text" or "json"');
  }
  const max = wholeNumber(env, "MAIL_QUEUE_RATE_LIMIT");
  const windowMs = wholeNumber(env, "MAIL_QUEUE_RATE_WINDOW_MS");
  if (windowMs !== undefined && max === undefined) {
    throw new MailError("CONFIG", "MAIL_QUEUE_RATE_WINDOW_MS needs MAIL_QUEUE_RATE_LIMIT");
  }
  const batchSize = wholeNumber(env, "MAIL_QUEUE_BATCH_SIZE");
  const batchWaitMs = wholeNumber(env, "MAIL_QUEUE_BATCH_WAIT_MS");
  if (batchWaitMs !== undefined && batchSize === undefined) {
    throw new MailError("CONFIG", "MAIL_QUEUE_BATCH_WAIT_MS needs MAIL_QUEUE_BATCH_SIZE");
  }
  const optional = <K extends string, V>(key: K, value: V | undefined) =>
    (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
  const idempotent = read(env, "MAIL_QUEUE_IDEMPOTENT_PROVIDERS");
  return {
    options: {
      ...location,
      ...optional("concurrency", wholeNumber(env, "MAIL_QUEUE_CONCURRENCY")),
      ...optional("rateLimit", max === undefined ? undefined : { max, durationMs: windowMs ?? 1000 }),
      ...optional(
        "batch",
        batchSize === undefined ? undefined : { size: batchSize, ...optional("waitMs", batchWaitMs) },
      ),
      ...optional("onUnknownOutcome", policy as UnknownOutcomePolicy | undefined),
      ...optional(
        "idempotentProviders",
        idempotent?.split(",").map((id) => id.trim().toLowerCase()),
      ),
      ...optional("lockDurationMs", wholeNumber(env, "MAIL_QUEUE_LOCK_DURATION_MS")),
      ...optional("stalledIntervalMs", wholeNumber(env, "MAIL_QUEUE_STALLED_INTERVAL_MS")),
      ...optional("connectionErrorIntervalMs", wholeNumber(env, "MAIL_QUEUE_ERROR_LOG_INTERVAL_MS")),
    },
    shutdownTimeoutMs: wholeNumber(env, "MAIL_QUEUE_SHUTDOWN_TIMEOUT_MS") ?? 25_000,
    logFormat,
  };
}

/** Options of {@link createMailWorkerFromEnv}: those of `createMailerFromEnv` (`suppression` too), and `worker`. */
export type MailWorkerFromEnvOptions = Omit<CreateMailerFromEnvOptions, "retry"> & {
  /** Worker options over those `MAIL_QUEUE_*` gives (backoff, random, logger, …). */
  readonly worker?: Partial<Omit<MailWorkerOptions, "mailer">>;
};

/**
 * A worker from the environment: the mailer `createMailerFromEnv` builds (same variables, with the
 * queue owning retries; the `suppression` option, else `MAIL_QUEUE_SUPPRESSION=redis`'s list in the
 * queue's Redis) and the queue from `MAIL_QUEUE_*`. Closing the worker closes the mailer (and that list's store).
 */
export async function createMailWorkerFromEnv(
  options: MailWorkerFromEnvOptions = {},
): Promise<MailWorker & { readonly shutdownTimeoutMs: number }> {
  const { worker: overrides, ...mailerOptions } = options;
  const env = options.env ?? process.env;
  const { options: queueOptions, shutdownTimeoutMs } = workerOptionsFromEnv(env);
  const location = { ...queueOptions, ...overrides };
  const fromEnv = options.suppression ? undefined : workerSuppressionFromEnv(env, location);
  let mailer: Mailer;
  try {
    mailer = await createMailerFromEnv({
      ...mailerOptions,
      ...(fromEnv && { suppression: fromEnv.check }),
      retry: { attempts: 1 },
    });
  } catch (error) {
    await fromEnv?.close();
    throw error;
  }
  let worker: MailWorker;
  try {
    worker = createMailWorker({ ...location, mailer });
  } catch (error) {
    await mailer.close();
    await fromEnv?.close();
    throw error;
  }
  return {
    ...worker,
    shutdownTimeoutMs,
    async close({ timeoutMs = shutdownTimeoutMs } = {}) {
      const deadline = Date.now() + timeoutMs;
      await worker.close({ timeoutMs });
      // The mailer's close waits for its sends; one still running past the deadline is abandoned.
      let timer: NodeJS.Timeout | undefined;
      const left = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      });
      await Promise.race([mailer.close(), left]);
      clearTimeout(timer);
      await fromEnv?.close();
    },
  };
}
