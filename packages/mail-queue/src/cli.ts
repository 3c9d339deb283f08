import { isMailError } from "@posse/mail-core";
import { createMailWorkerFromEnv } from "./worker-from-env.js";

// posse-mail-worker: sends a queue's messages through the provider the environment configures.
// SIGTERM or SIGINT: stop taking jobs, finish sends under way (up to MAIL_QUEUE_SHUTDOWN_TIMEOUT_MS), exit 0.
async function main(): Promise<void> {
  const worker = await createMailWorkerFromEnv();
  // Connection trouble (Redis down, a failover): BullMQ reconnects; say so without the URL.
  worker.worker.on("error", (error) => console.error(`posse-mail-worker: ${error.message}`));
  await worker.ready;
  const name = process.env.MAIL_QUEUE_NAME?.trim() || "mail";
  console.log(`posse-mail-worker: sending queue "${name}" (pid ${process.pid})`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`posse-mail-worker: ${signal}: finishing sends under way`);
    worker.close().then(
      () => {
        console.log("posse-mail-worker: stopped");
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`posse-mail-worker: ${isMailError(error) ? error.message : "failed to stop cleanly"}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(
    `posse-mail-worker: ${isMailError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : "unexpected error"}`,
  );
  process.exit(1);
});
