import { createMailer, MailError, type NormalizedMessage } from "@posse/mail-core";
import { memoryProvider } from "@posse/mail-core/testing";
import { startRedis, type TestRedis } from "@posse/test-tools";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PREFIX } from "../src/index.js";
import { until } from "./support/cli-process.js";
import { type Fixture, fixture, settled } from "./support/queue-fixture.js";

let redis: TestRedis;
let f: Fixture;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());
afterEach(() => f.closeAll());

const message = { to: "ann@example.com", subject: "Hi", text: "Hello" };

describe("a worker", () => {
  it("sends through the mailer and records provider, vendor message id and attempts on the job; hooks fire", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const mailer = await f.mailer();
    await f.worker(mailer);
    const id = await queue.enqueue({ ...message, idempotencyKey: "welcome-1" });
    const info = await settled(queue, id);
    expect(info).toEqual({
      id,
      state: "completed",
      attempts: 1,
      result: { provider: "memory", messageId: "memory-1", attempts: 1 },
      idempotencyKey: "welcome-1",
    });
    expect(mailer.events).toEqual([
      {
        send: expect.objectContaining({ providers: ["memory"] }),
        provider: "memory",
        failover: 0,
        attempt: 1,
      },
    ]);
    expect(mailer.sent[0]).toMatchObject({ subject: "Hi", idempotencyKey: "welcome-1" });
  });

  it("makes one request per job attempt even when the mailer itself would retry (the queue owns retries)", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const mailer = await f.mailer();
    const retrying = Object.assign(Object.create(mailer), {
      // A mailer created with retries on: the worker must still ask for one attempt per job attempt.
      send: (input: Parameters<typeof mailer.send>[0], options?: Parameters<typeof mailer.send>[1]) => {
        expect(options?.attempts).toBe(1);
        return mailer.send(input, options);
      },
    });
    mailer.failNext(new MailError("UNAVAILABLE", "down", { provider: "memory" }), 2);
    await f.worker(retrying);
    const id = await queue.enqueue(message);
    const info = await settled(queue, id);
    expect(info.state).toBe("completed");
    expect(info.result).toEqual({ provider: "memory", messageId: "memory-1", attempts: 3 });
    expect(mailer.starts).toHaveLength(3);
  });

  it("waits the vendor's Retry-After before the next attempt when it is longer than the backoff", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const mailer = await f.mailer();
    mailer.failNext(new MailError("UNAVAILABLE", "busy", { provider: "memory", retryAfterMs: 700 }));
    await f.worker(mailer);
    const id = await queue.enqueue(message);
    expect((await settled(queue, id)).result?.attempts).toBe(2);
    const [first, second] = mailer.starts;
    expect(second! - first!).toBeGreaterThanOrEqual(650);
  });

  it("pauses the whole queue on a 429 for Retry-After: no worker starts a send meanwhile, and no attempt is used", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const a = await f.mailer();
    const b = await f.mailer();
    let limitedAt: number | undefined;
    const first429 = () => {
      if (limitedAt !== undefined) return undefined;
      limitedAt = Date.now();
      return new MailError("RATE_LIMITED", "slow down", {
        provider: "memory",
        status: 429,
        retryAfterMs: 1000,
      });
    };
    a.failWhen(first429);
    b.failWhen(first429);
    // Both workers are ready and idle before any job exists, so whichever does not get the 429 is free to send.
    await f.worker(a, { concurrency: 1 });
    await f.worker(b, { concurrency: 1 });
    const ids = [await queue.enqueue({ ...message, subject: "m0" })];
    // The rest are queued only once the pause is set (a send starting before that may go on, and is not
    // what this asserts). BullMQ writes the pause as a limiter count no limit reaches: its TTL is the pause.
    const bull = new Queue(f.name, { connection: f.redis(), prefix: DEFAULT_PREFIX });
    try {
      await until(async () => (await bull.getRateLimitTtl(Number.MAX_SAFE_INTEGER)) > 0, 5000);
    } finally {
      await bull.close();
    }
    for (let i = 1; i < 6; i++) ids.push(await queue.enqueue({ ...message, subject: `m${i}` }));
    const infos = await Promise.all(ids.map((id) => settled(queue, id)));
    expect(infos.map((info) => [info.state, info.result?.attempts])).toEqual(
      Array.from({ length: 6 }, () => ["completed", 1]),
    );
    expect(a.sent.length + b.sent.length).toBe(6);
    // The 429 came first; the pause was set after it for 1 s, so every other send (m0 again, and m1-m5
    // on whichever worker took them) started at least 1 s after it. A pause holding only the 429's
    // worker would let the other send m1-m5 at once.
    const others = [...a.starts, ...b.starts].sort((x, y) => x - y).slice(1);
    expect(others).toHaveLength(6);
    expect(others[0]! - limitedAt!).toBeGreaterThanOrEqual(1000);
  });

  it("dead-letters a permanent error at once with the redacted MailError, and redrive sends it again", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const mailer = await f.mailer();
    mailer.failNext(new MailError("REJECTED", "recipient suppressed", { provider: "memory", status: 422 }));
    await f.worker(mailer);
    const id = await queue.enqueue(message);
    const dead = await settled(queue, id);
    expect(dead).toEqual({
      id,
      state: "dead-lettered",
      attempts: 1,
      error: {
        name: "MailError",
        code: "REJECTED",
        message: "recipient suppressed",
        provider: "memory",
        status: 422,
        retryable: false,
      },
    });
    expect(await queue.deadLetters()).toEqual([dead]);
    expect(mailer.sent).toHaveLength(0);
    await queue.redrive(id);
    const again = await settled(queue, id);
    expect(again).toMatchObject({ state: "completed", result: { provider: "memory", attempts: 1 } });
    expect(mailer.sent).toHaveLength(1);
    expect(await queue.deadLetters()).toEqual([]);
    await expect(queue.redrive(id)).rejects.toMatchObject({ code: "CONFIG" });
  });

  it("dead-letters a retryable error once the attempts are used up", async () => {
    f = fixture(redis.url);
    const queue = f.queue({ attempts: 3 });
    const mailer = await f.mailer();
    mailer.failWhen(() => new MailError("UNAVAILABLE", "down", { provider: "memory", status: 503 }));
    await f.worker(mailer);
    const id = await queue.enqueue(message);
    const dead = await settled(queue, id);
    expect(dead.state).toBe("dead-lettered");
    expect(dead.attempts).toBe(3);
    expect(dead.error).toMatchObject({ code: "UNAVAILABLE", status: 503, retryable: true });
    expect(mailer.starts).toHaveLength(3);
  });

  it("dead-letters an outcome-unknown error by default (at most once), without a second request", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const mailer = await f.mailer();
    mailer.failNext(new MailError("TIMEOUT", "no answer", { provider: "memory", outcomeUnknown: true }));
    await f.worker(mailer);
    const id = await queue.enqueue({ ...message, idempotencyKey: "k1" });
    const dead = await settled(queue, id);
    expect(dead.state).toBe("dead-lettered");
    expect(dead.error).toMatchObject({ code: "TIMEOUT", outcomeUnknown: true });
    expect(mailer.starts).toHaveLength(1);
  });

  it('re-sends an outcome-unknown error with onUnknownOutcome "resend" (at least once)', async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const mailer = await f.mailer();
    mailer.failNext(new MailError("TIMEOUT", "no answer", { provider: "memory", outcomeUnknown: true }));
    await f.worker(mailer, { onUnknownOutcome: "resend" });
    const id = await queue.enqueue(message);
    expect((await settled(queue, id)).result).toEqual({
      provider: "memory",
      messageId: "memory-1",
      attempts: 2,
    });
    expect(mailer.starts).toHaveLength(2);
  });

  it("re-sends an outcome-unknown keyed message when every provider of the mailer honours keys", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const mailer = await f.mailer();
    const unknown = new MailError("TIMEOUT", "no answer", { provider: "memory", outcomeUnknown: true });
    mailer.failNext(unknown);
    await f.worker(mailer, { idempotentProviders: ["memory"] });
    const keyed = await queue.enqueue({ ...message, idempotencyKey: "absorbed" });
    expect((await settled(queue, keyed)).result?.attempts).toBe(2);
    // Without a key nothing absorbs a duplicate: dead-lettered.
    mailer.failNext(unknown);
    const plain = await queue.enqueue(message);
    expect((await settled(queue, plain)).state).toBe("dead-lettered");
  });
});

describe("failover in a worker", () => {
  async function twoProviders(firstError: MailError) {
    const outboxA: NormalizedMessage[] = [];
    const outboxB: NormalizedMessage[] = [];
    return {
      outboxA,
      outboxB,
      mailer: await createMailer({
        from: "app@example.com",
        retry: { attempts: 3 },
        providers: [
          { definition: memoryProvider("a"), config: { outbox: outboxA, failWith: () => firstError } },
          { definition: memoryProvider("b"), config: { outbox: outboxB } },
        ],
      }),
    };
  }

  it("moves on to the next provider within one job attempt when the first certainly did not send", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const { mailer, outboxB } = await twoProviders(new MailError("UNAVAILABLE", "down", { provider: "a" }));
    await f.worker(mailer);
    const id = await queue.enqueue(message);
    expect((await settled(queue, id)).result).toEqual({ provider: "b", messageId: "b-1", attempts: 1 });
    expect(outboxB).toHaveLength(1);
    await mailer.close();
  });

  it("never fails over while the first may have accepted the message and it has no idempotencyKey", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const unknown = new MailError("TIMEOUT", "no answer", { provider: "a", outcomeUnknown: true });
    const { mailer, outboxB } = await twoProviders(unknown);
    await f.worker(mailer);
    const id = await queue.enqueue(message);
    const dead = await settled(queue, id);
    expect(dead.state).toBe("dead-lettered");
    expect(dead.error).toMatchObject({ code: "TIMEOUT", outcomeUnknown: true });
    expect(outboxB).toHaveLength(0);
    await mailer.close();
  });
});
