import { isMailError } from "@posse/mail-core";
import { cliLogger } from "./cli-logger.js";
import { createMailWorkerFromEnv, workerOptionsFromEnv } from "./worker-from-env.js";

function describe(error: unknown): string {
  if (isMailError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : "unexpected error";
}

// posse-mail-worker: sends a queue's messages through the provider the environment configures, logging one
// line per job outcome with pino (MAIL_QUEUE_LOG_FORMAT text, through pino-pretty, or json). SIGTERM or SIGINT, also while Redis is not
// ready yet: stop taking jobs, finish sends under way (up to MAIL_QUEUE_SHUTDOWN_TIMEOUT_MS), exit 0.
async function main(): Promise<void> {
  const logger = cliLogger(workerOptionsFromEnv().logFormat);
  const worker = await createMailWorkerFromEnv({ worker: { logger } });
  const name = process.env.MAIL_QUEUE_NAME?.trim() || "mail";
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "finishing sends under way");
    worker.close().then(
      () => {
        logger.info({}, "stopped");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ code: isMailError(error) ? error.code : "UNKNOWN" }, "failed to stop cleanly");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  try {
    await worker.ready;
  } catch (error) {
    if (stopping) return; // closed while waiting for Redis: stop() exits 0
    throw error;
  }
  logger.info({ queue: name }, "sending queue");
}

main().catch((error: unknown) => {
  console.error(`posse-mail-worker: ${describe(error)}`);
  process.exit(1);
});
