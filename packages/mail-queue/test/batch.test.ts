// Batched workers (`batch: { size, waitMs }`) against a real Redis and a stub vendor with a batch call:
// jobs go out in batch requests of at most `size`, and every job keeps its own outcome, retries, dead letter,
// idempotency key and send marker (beforeRequest(indexes) marks exactly the jobs of that request).
import { createMailer, MailError, type Mailer, type NormalizedMessage } from "@posse/mail-core";
import { defineProvider, type RequestContext, type SendResult } from "@posse/mail-core/provider";
import { startRedis, type TestRedis } from "@posse/test-tools";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createMailWorker, jobIdForKey, workerOptionsFromEnv } from "../src/index.js";
import { type Fixture, fixture, settled } from "./support/queue-fixture.js";

let redis: TestRedis;
let f: Fixture;
beforeAll(async () => {
  redis = await startRedis();
});
afterEach(() => f?.closeAll());
afterAll(() => redis?.stop());

/** One request the stub vendor received: the keys it carried and each job's marker when it arrived. */
interface VendorRequest {
  readonly kind: "send" | "batch";
  readonly keys: readonly string[];
  readonly markers: Record<string, string | null>;
}

/**
 * A stub vendor with a batch call: records every request, answers each message by `answer` (by its key and
 * how many times the vendor saw that key), and reads the markers of `keys`' jobs as each request arrives.
 */
async function stubVendor(keys: readonly string[], answer: (key: string, seen: number) => "ok" | MailError) {
  const requests: VendorRequest[] = [];
  const seen = new Map<string, number>();
  const client = f.redis();
  const markers = async () =>
    Object.fromEntries(
      await Promise.all(
        keys.map(async (key) => {
          const value = await client.get(`{posse-mail}:${f.name}:posse-claim:${jobIdForKey(key)}`);
          return [key, value?.startsWith("{") ? "receipt" : value] as const;
        }),
      ),
    );
  const one = (message: NormalizedMessage): SendResult | MailError => {
    const key = message.idempotencyKey!;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    const outcome = answer(key, seen.get(key)!);
    return outcome === "ok" ? { messageId: `stub-${key}` } : outcome;
  };
  const definition = defineProvider<Record<string, never>>({
    id: "stub",
    label: "Stub",
    env: [],
    configFromEnv: () => ({}),
    create: () => ({
      async send(message: NormalizedMessage, context: RequestContext) {
        await context.requestStarting?.();
        requests.push({ kind: "send", keys: [message.idempotencyKey!], markers: await markers() });
        const result = one(message);
        if (result instanceof MailError) throw result;
        return result;
      },
      async sendBatch(messages: readonly NormalizedMessage[], context: RequestContext) {
        await context.requestStarting?.();
        const batchKeys = messages.map((message) => message.idempotencyKey!);
        requests.push({ kind: "batch", keys: batchKeys, markers: await markers() });
        return messages.map(one);
      },
      async verify() {},
    }),
  });
  const mailer = await createMailer({ from: "app@example.com", providers: { definition, config: {} } });
  return { mailer, requests, seen };
}

const keysOf = (count: number) => Array.from({ length: count }, (_, i) => `order-${i + 1}`);

/** Enqueues one keyed message per key (before the worker starts, so that batches fill), returning job ids. */
async function enqueue(keys: readonly string[], attempts = 3) {
  const queue = f.queue({ attempts });
  const ids = [];
  for (const key of keys)
    ids.push(await queue.enqueue({ to: "ann@example.com", subject: key, text: "x", idempotencyKey: key }));
  return { queue, ids };
}

async function work(mailer: Mailer, size: number, concurrency = size, waitMs = 2000) {
  await f.worker(mailer, { concurrency, batch: { size, waitMs } });
}

describe("a worker taking jobs in batches", () => {
  it("sends batch requests of at most size, each marking exactly its own jobs, and completes each job with its receipt", async () => {
    f = fixture(redis.url);
    const keys = keysOf(6);
    const { mailer, requests } = await stubVendor(keys, () => "ok");
    const { queue, ids } = await enqueue(keys);
    await work(mailer, 3);
    for (const [i, id] of ids.entries()) {
      expect(await settled(queue, id)).toMatchObject({
        state: "completed",
        result: { provider: "stub", messageId: `stub-${keys[i]}`, attempts: 1 },
      });
    }
    expect(requests.map((request) => request.kind)).toEqual(["batch", "batch"]);
    const [first, second] = requests.map((request) => [...request.keys].sort());
    expect([...first!, ...second!].sort()).toEqual([...keys].sort());
    for (const request of requests) {
      for (const key of keys) {
        const expected = request.keys.includes(key)
          ? "sending"
          : request === requests[1] && first!.includes(key)
            ? "receipt"
            : null;
        expect([key, request.markers[key]]).toEqual([key, expected]);
      }
    }
    await mailer.close();
  });

  it("keeps each job's own outcome: one refused is dead-lettered alone, one failing for now is retried, each key once per request", async () => {
    f = fixture(redis.url);
    const keys = keysOf(4);
    const { mailer, requests, seen } = await stubVendor(keys, (key, times) => {
      if (key === "order-2")
        return new MailError("REJECTED", "no such mailbox", { provider: "stub", retryable: false });
      if (key === "order-3" && times === 1)
        return new MailError("UNAVAILABLE", "try later", { provider: "stub" });
      return "ok";
    });
    const { queue, ids } = await enqueue(keys);
    await work(mailer, 4, 4, 300);
    const infos = await Promise.all(ids.map((id) => settled(queue, id)));
    expect(infos.map((info) => [info.state, info.attempts])).toEqual([
      ["completed", 1],
      ["dead-lettered", 1],
      ["completed", 2],
      ["completed", 1],
    ]);
    expect(infos[1]!.error).toMatchObject({ code: "REJECTED", message: "no such mailbox" });
    expect(infos[2]!.result).toEqual({ provider: "stub", messageId: "stub-order-3", attempts: 2 });
    expect(requests[0]!.keys).toHaveLength(4);
    expect(requests.slice(1).map((request) => request.keys)).toEqual([["order-3"]]);
    expect(Object.fromEntries(seen)).toEqual({ "order-1": 1, "order-2": 1, "order-3": 2, "order-4": 1 });
    await mailer.close();
  });

  it("makes no request while a job of the batch is being sent by another run: that job is dead-lettered, the rest retried and sent once", async () => {
    f = fixture(redis.url);
    const keys = keysOf(3);
    const { mailer, requests, seen } = await stubVendor(keys, () => "ok");
    const { queue, ids } = await enqueue(keys);
    await f.redis().set(`{posse-mail}:${f.name}:posse-claim:${ids[1]}`, "sending", "PX", 60_000);
    await work(mailer, 3, 3, 300);
    const infos = await Promise.all(ids.map((id) => settled(queue, id)));
    expect(infos.map((info) => info.state)).toEqual(["completed", "dead-lettered", "completed"]);
    expect(infos[1]!.error).toMatchObject({ code: "UNKNOWN", outcomeUnknown: true });
    expect(infos[0]!.attempts).toBe(2);
    expect(Object.fromEntries(seen)).toEqual({ "order-1": 1, "order-3": 1 });
    expect(requests.map((request) => [...request.keys].sort())).toEqual([["order-1", "order-3"]]);
    await mailer.close();
  });

  it("sends a job alone once waitMs passes without more", async () => {
    f = fixture(redis.url);
    const { mailer, requests } = await stubVendor(["solo"], () => "ok");
    const { queue, ids } = await enqueue(["solo"]);
    await work(mailer, 5, 5, 50);
    expect((await settled(queue, ids[0]!)).state).toBe("completed");
    expect(requests.map((request) => request.keys)).toEqual([["solo"]]);
    await mailer.close();
  });
});

describe("batch options", () => {
  it("come from MAIL_QUEUE_BATCH_SIZE and MAIL_QUEUE_BATCH_WAIT_MS", () => {
    const env = { MAIL_QUEUE_URL: "redis://h", MAIL_QUEUE_BATCH_SIZE: "50", MAIL_QUEUE_BATCH_WAIT_MS: "20" };
    expect(workerOptionsFromEnv(env).options.batch).toEqual({ size: 50, waitMs: 20 });
    expect(
      workerOptionsFromEnv({ MAIL_QUEUE_URL: "redis://h", MAIL_QUEUE_BATCH_SIZE: "5" }).options.batch,
    ).toEqual({
      size: 5,
    });
    expect(() =>
      workerOptionsFromEnv({ MAIL_QUEUE_URL: "redis://h", MAIL_QUEUE_BATCH_WAIT_MS: "20" }),
    ).toThrow(
      expect.objectContaining({
        code: "CONFIG",
        message: "MAIL_QUEUE_BATCH_WAIT_MS needs MAIL_QUEUE_BATCH_SIZE",
      }),
    );
  });

  it("refuses a batch larger than the jobs held at once, and takes concurrency from a larger batch by default", async () => {
    f = fixture(redis.url);
    const mailer = await f.mailer();
    await expect(f.worker(mailer, { concurrency: 5, batch: { size: 10 } })).rejects.toMatchObject({
      code: "CONFIG",
      message: "batch.size must not be more than concurrency (a batch is of jobs held at once)",
    });
    const worker = createMailWorker({ url: redis.url, name: f.name, mailer, batch: { size: 30 } });
    try {
      expect(worker.worker.opts.concurrency).toBe(30);
    } finally {
      await worker.close();
    }
  });
});
