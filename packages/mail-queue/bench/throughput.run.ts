// Queue throughput, side by side in one run: N messages through 4 posse-mail-worker processes and through 4
// plain BullMQ workers calling the Postmark SDK directly, both against one stub vendor that answers after
// 100 ms, at each concurrency of THROUGHPUT_CONCURRENCY. Prints messages per second, the ideal (workers ×
// concurrency ÷ latency) and posse / plain. Run by `npm run bench` (after the crash soak); needs dist built
// and redis-server installed. THROUGHPUT_MESSAGES (20000), THROUGHPUT_CONCURRENCY ("10,50"). A vitest file
// outside the test suite's include (vitest.bench.config.ts runs it), so it can use the soak's helpers.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { startRedis } from "@posse/test-tools";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { expect, it } from "vitest";
import { createMailQueue } from "../src/index.js";
import { BIN, PRELOAD, startStub } from "../test/process/soak.js";

const MESSAGES = Number(process.env.THROUGHPUT_MESSAGES ?? 20_000);
const CONCURRENCIES = (process.env.THROUGHPUT_CONCURRENCY ?? "10,50").split(",").map(Number);
const WORKERS = 4;
const LATENCY_MS = 100;
const PLAIN = fileURLToPath(new URL("./plain-worker.mjs", import.meta.url));

/** Starts `count` processes and resolves once each printed `readyText`; returns a stop function. */
async function startWorkers(
  count: number,
  args: string[],
  env: NodeJS.ProcessEnv,
  readyText: string,
): Promise<() => Promise<void>> {
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, [...args], { env, stdio: ["ignore", "pipe", "inherit"] });
    children.push(child);
  }
  // Read up to the ready line only: a worker's log (a line per job) is then drained unread, so the bench
  // process does not spend the cores the workers share on scanning it.
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          let out = "";
          const read = (chunk: Buffer) => {
            out += chunk;
            if (!out.includes(readyText)) return;
            child.stdout!.off("data", read);
            child.stdout!.resume();
            resolve();
          };
          child.stdout!.on("data", read);
        }),
    ),
  );
  return async () => {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, "exit") : undefined)));
  };
}

/** Resumes `queue` and resolves with the seconds until `MESSAGES` jobs completed. */
async function timeDrain(queue: Queue): Promise<number> {
  const started = Date.now();
  await queue.resume();
  for (;;) {
    const counts = await queue.getJobCounts("completed", "failed");
    if ((counts.failed ?? 0) > 0) throw new Error(`${counts.failed} jobs failed`);
    if ((counts.completed ?? 0) >= MESSAGES) return (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const message = (i: number) => ({ to: "ann@example.com", subject: `m-${i}`, text: "bench" });

async function posseRun(redisUrl: string, stubUrl: string, concurrency: number): Promise<number> {
  const name = `posse-${concurrency}-${Date.now()}`;
  const queue = createMailQueue({ url: redisUrl, name });
  await queue.queue.pause();
  for (let i = 0; i < MESSAGES; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, MESSAGES - i) }, (_, j) => queue.enqueue(message(i + j))),
    );
  }
  const env = {
    PATH: process.env.PATH ?? "",
    MAIL_PROVIDER: "postmark",
    POSTMARK_API_TOKEN: "stub-token",
    MAIL_FROM_ADDRESS: "app@example.com",
    STUB_VENDOR_URL: stubUrl,
    MAIL_QUEUE_URL: redisUrl,
    MAIL_QUEUE_NAME: name,
    MAIL_QUEUE_CONCURRENCY: String(concurrency),
  };
  const stop = await startWorkers(WORKERS, ["--import", PRELOAD, BIN], env, "sending queue");
  try {
    return await timeDrain(queue.queue as unknown as Queue);
  } finally {
    await stop();
    await queue.queue.obliterate({ force: true });
    await queue.close();
  }
}

async function plainRun(redisUrl: string, stubUrl: string, concurrency: number): Promise<number> {
  const name = `plain-${concurrency}-${Date.now()}`;
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection, prefix: "{bench}" });
  await queue.pause();
  for (let i = 0; i < MESSAGES; i += 500) {
    await queue.addBulk(
      Array.from({ length: Math.min(500, MESSAGES - i) }, (_, j) => ({
        name: "send",
        data: message(i + j),
        opts: { removeOnComplete: { age: 86_400 }, removeOnFail: false },
      })),
    );
  }
  const args = [PLAIN, redisUrl, name, stubUrl, String(concurrency)];
  const stop = await startWorkers(WORKERS, args, process.env, "ready");
  try {
    return await timeDrain(queue);
  } finally {
    await stop();
    await queue.obliterate({ force: true });
    await queue.close();
    await connection.quit();
  }
}

it(
  "sends at least 0.9× the messages per second of a plain BullMQ worker calling the SDK (default concurrency)",
  async () => {
    const redis = await startRedis();
    const stub = await startStub(false, LATENCY_MS);
    const ratios = new Map<number, number>();
    try {
      for (const concurrency of CONCURRENCIES) {
        const ideal = (WORKERS * concurrency * 1000) / LATENCY_MS;
        const plain = MESSAGES / (await plainRun(redis.url, stub.url, concurrency));
        const posse = MESSAGES / (await posseRun(redis.url, stub.url, concurrency));
        ratios.set(concurrency, posse / plain);
        console.log(
          `throughput: ${MESSAGES} messages, ${WORKERS} workers × concurrency ${concurrency}, vendor ${LATENCY_MS} ms: ` +
            `posse ${posse.toFixed(0)}/s, plain BullMQ + SDK ${plain.toFixed(0)}/s, ideal ${ideal}/s; ` +
            `posse/plain ${(posse / plain).toFixed(2)}, posse/ideal ${(posse / ideal).toFixed(2)}`,
        );
      }
    } finally {
      stub.child.kill("SIGTERM");
      await redis.stop();
    }
    expect(ratios.get(10) ?? 1).toBeGreaterThanOrEqual(0.9);
  },
  30 * 60_000,
);
