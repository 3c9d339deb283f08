// Queue throughput, side by side in one run: N messages through 4 posse-mail-worker processes and through 4
// plain BullMQ workers calling the Postmark SDK directly, both against one stub vendor that answers after
// 100 ms, at each concurrency of THROUGHPUT_CONCURRENCY; then through the same workers with batches of
// that size (MAIL_QUEUE_BATCH_SIZE: one sendMany per batch, one request each where Postmark has its batch
// call), with the HTTP requests the stub received. Prints messages per second, the ideal (workers ×
// concurrency ÷ latency) and posse / plain. Run by `npm run bench` (after the crash soak); needs dist built
// and redis-server installed. THROUGHPUT_MESSAGES (20000), THROUGHPUT_CONCURRENCY ("10,50"). Each side's
// line gives the 1-minute load average at its end (the machine is shared: compare sides of one run). A vitest file
// outside the test suite's include (vitest.bench.config.ts runs it), so it can use the soak's helpers.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
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

/** One side's figures: messages per second, CPU per message (its workers', Redis'), load at its end. */
interface Run {
  readonly perSecond: number;
  readonly workerCpuUs: number;
  readonly redisCpuUs: number;
  readonly load: number;
}

/** CPU seconds a process has used so far (Linux /proc; 0 elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return 0;
  }
}

/** Redis' own CPU seconds so far (INFO cpu). */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return field("used_cpu_user") + field("used_cpu_sys");
}

/** Starts `count` processes and resolves once each printed `readyText`. */
async function startWorkers(
  count: number,
  args: string[],
  env: NodeJS.ProcessEnv,
  readyText: string,
): Promise<ChildProcess[]> {
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
  return children;
}

/**
 * Starts the workers, resumes `queue` and measures until `MESSAGES` jobs completed (the workers' CPU from
 * then, not their start-up); stops the workers.
 */
async function drain(queue: Queue, redis: Redis, start: () => Promise<ChildProcess[]>): Promise<Run> {
  const children = await start();
  try {
    const cpu = () => children.reduce((sum, child) => sum + cpuSeconds(child.pid), 0);
    const [workerCpu, redisCpu] = [cpu(), await redisCpuSeconds(redis)];
    const started = Date.now();
    await queue.resume();
    for (;;) {
      const counts = await queue.getJobCounts("completed", "failed");
      if ((counts.failed ?? 0) > 0) throw new Error(`${counts.failed} jobs failed`);
      if ((counts.completed ?? 0) >= MESSAGES) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = (Date.now() - started) / 1000;
    const perMessage = (cpuSeconds: number) => (cpuSeconds * 1e6) / MESSAGES;
    return {
      perSecond: MESSAGES / seconds,
      workerCpuUs: perMessage(cpu() - workerCpu),
      redisCpuUs: perMessage((await redisCpuSeconds(redis)) - redisCpu),
      load: loadavg()[0] ?? 0,
    };
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, "exit") : undefined)));
  }
}

/** HTTP requests the stub vendor received so far. */
async function stubRequests(stubUrl: string): Promise<number> {
  return ((await (await fetch(`${stubUrl}/stats`)).json()) as { requests: number }).requests;
}

const message = (i: number) => ({ to: "ann@example.com", subject: `m-${i}`, text: "bench" });

async function posseRun(
  redisUrl: string,
  stubUrl: string,
  concurrency: number,
  extraEnv: Record<string, string> = {},
): Promise<Run> {
  const name = `posse-${concurrency}-${Date.now()}`;
  const queue = createMailQueue({ url: redisUrl, name });
  const stats = new Redis(redisUrl);
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
    ...extraEnv,
  };
  try {
    return await drain(queue.queue as unknown as Queue, stats, () =>
      startWorkers(WORKERS, ["--import", PRELOAD, BIN], env, "sending queue"),
    );
  } finally {
    await queue.queue.obliterate({ force: true });
    await queue.close();
    await stats.quit();
  }
}

async function plainRun(redisUrl: string, stubUrl: string, concurrency: number): Promise<Run> {
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
  try {
    return await drain(queue, connection, () => startWorkers(WORKERS, args, process.env, "ready"));
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
    await connection.quit();
  }
}

/** `313/s (workers 1520 us + Redis 410 us CPU per message, load 9.1)`. */
const describeRun = (run: Run) =>
  `${run.perSecond.toFixed(0)}/s (workers ${run.workerCpuUs.toFixed(0)} us + Redis ${run.redisCpuUs.toFixed(0)} us ` +
  `CPU per message, load ${run.load.toFixed(1)})`;

it(
  "sends at least 0.9× the messages per second of a plain BullMQ worker calling the SDK (default concurrency)",
  async () => {
    const redis = await startRedis();
    const stub = await startStub(false, LATENCY_MS);
    const ratios = new Map<number, number>();
    try {
      for (const concurrency of CONCURRENCIES) {
        const ideal = (WORKERS * concurrency * 1000) / LATENCY_MS;
        const plain = await plainRun(redis.url, stub.url, concurrency);
        const posse = await posseRun(redis.url, stub.url, concurrency);
        const requestsBefore = await stubRequests(stub.url);
        const batchEnv = { MAIL_QUEUE_BATCH_SIZE: String(concurrency) };
        const batched = await posseRun(redis.url, stub.url, concurrency, batchEnv);
        const batchRequests = (await stubRequests(stub.url)) - requestsBefore;
        const ratio = posse.perSecond / plain.perSecond;
        ratios.set(concurrency, ratio);
        console.log(
          `throughput: ${MESSAGES} messages, ${WORKERS} workers × concurrency ${concurrency}, vendor ${LATENCY_MS} ms, ` +
            `ideal ${ideal}/s: posse ${describeRun(posse)}; plain BullMQ + SDK ${describeRun(plain)}; ` +
            `posse/plain ${ratio.toFixed(2)}, posse/ideal ${(posse.perSecond / ideal).toFixed(2)}; ` +
            `batched (MAIL_QUEUE_BATCH_SIZE=${concurrency}) ${describeRun(batched)} in ${batchRequests} requests, ` +
            `batched/unbatched ${(batched.perSecond / posse.perSecond).toFixed(2)}`,
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
