import { createMailer, type Mailer, type NormalizedMessage, type SendOptions } from "@posse/mail-core";
import { memoryProvider } from "@posse/mail-core/testing";
import { startRedis, type TestRedis } from "@posse/test-tools";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { jobIdForKey } from "../src/index.js";
import { type Fixture, fixture, settled } from "./support/queue-fixture.js";

let redis: TestRedis;
let f: Fixture;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());
afterEach(() => f.closeAll());

const message = { to: "ann@example.com", subject: "Hi", text: "Hello" };
const fastRecovery = { lockDurationMs: 1000, stalledIntervalMs: 500 };

/**
 * A mailer whose sends never settle, a worker stopped while it waits looks like one killed: with
 * `requested`, after the request went out (`beforeRequest` ran); without, while it waits for a connection.
 */
function hangingMailer(started: () => void, requested = true): Mailer {
  return {
    provider: "memory",
    providers: ["memory"],
    send: async (_message: unknown, options?: SendOptions) => {
      if (requested) await options?.beforeRequest?.();
      started();
      return new Promise(() => undefined);
    },
  } as unknown as Mailer;
}

async function stopMidSend(f: Fixture, onUnknownOutcome: "resend" | "dead-letter", requested = true) {
  const queue = f.queue();
  let sending!: () => void;
  const inSend = new Promise<void>((resolve) => (sending = resolve));
  const first = await f.worker(hangingMailer(sending, requested), { ...fastRecovery, onUnknownOutcome });
  const id = await queue.enqueue(message);
  await inSend;
  await first.close({ timeoutMs: 10 }); // gives up on the send under way, as a killed process would
  const mailer = await f.mailer();
  await f.worker(mailer, { ...fastRecovery, onUnknownOutcome });
  return { info: await settled(queue, id), mailer, queue, id };
}

describe("a worker stopped while sending", () => {
  it("leaves an unknown outcome that the default policy dead-letters (nothing sent twice), for redrive", async () => {
    f = fixture(redis.url);
    const { info, mailer, queue, id } = await stopMidSend(f, "dead-letter");
    expect(info.state).toBe("dead-lettered");
    expect(info.error).toMatchObject({ code: "UNKNOWN", outcomeUnknown: true, retryable: false });
    expect(info.error?.message).toContain("may have accepted it");
    expect(mailer.sent).toHaveLength(0);
    await queue.redrive(id);
    expect((await settled(queue, id)).state).toBe("completed");
    expect(mailer.sent).toHaveLength(1);
  });

  it("is sent by the next worker, not dead-lettered, when it stopped before the request went out (waiting for a connection)", async () => {
    f = fixture(redis.url);
    const { info, mailer } = await stopMidSend(f, "dead-letter", false);
    expect(info.state).toBe("completed");
    expect(info.result).toMatchObject({ provider: "memory", messageId: "memory-1" });
    expect(mailer.sent).toHaveLength(1);
  });

  it("writes the sending marker only once the request starts, and the receipt after it", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const mailer = await f.mailer();
    const client = f.redis();
    const steps: string[] = [];
    let connect!: () => void;
    const connected = new Promise<void>((resolve) => (connect = resolve));
    let waiting!: () => void;
    const inWait = new Promise<void>((resolve) => (waiting = resolve));
    const pooled = Object.assign(Object.create(mailer), {
      send: async (input: Parameters<Mailer["send"]>[0], options?: SendOptions) => {
        waiting();
        await connected; // a pooled connection frees up
        return mailer.send(input, {
          ...options,
          beforeRequest: async () => {
            await options?.beforeRequest?.();
            steps.push(`marker at request: ${await client.get(marker)}`);
          },
        });
      },
    }) as Mailer;
    await f.worker(pooled);
    const id = await queue.enqueue(message);
    const marker = `{posse-mail}:${f.name}:posse-claim:${id}`;
    await inWait;
    steps.push(`marker while waiting: ${await client.get(marker)}`);
    connect();
    expect((await settled(queue, id)).state).toBe("completed");
    expect(steps).toEqual(["marker while waiting: null", "marker at request: sending"]);
    expect(JSON.parse((await client.get(marker))!)).toEqual({
      provider: "memory",
      messageId: "memory-1",
      attempts: 1,
    });
  });

  it('is sent again by another worker with onUnknownOutcome "resend"', async () => {
    f = fixture(redis.url);
    const { info, mailer } = await stopMidSend(f, "resend");
    expect(info.state).toBe("completed");
    expect(info.result).toMatchObject({ provider: "memory", messageId: "memory-1" });
    expect(mailer.sent).toHaveLength(1);
  });

  it("finishes a send under way when closed within the deadline, then stops taking jobs", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const mailer = await f.mailer();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = Object.assign(Object.create(mailer), {
      send: async (...args: Parameters<Mailer["send"]>) => {
        await gate;
        return mailer.send(...args);
      },
    }) as Mailer;
    const worker = await f.worker(slow, { concurrency: 1 });
    const id = await queue.enqueue(message);
    while ((await queue.job(id))?.state !== "active") await new Promise((r) => setTimeout(r, 10));
    const closed = worker.close({ timeoutMs: 5000 });
    const later = await queue.enqueue({ ...message, subject: "after close" });
    setTimeout(release, 200);
    await closed;
    expect((await queue.job(id))?.state).toBe("completed");
    expect(mailer.sent.map((m) => m.subject)).toEqual(["Hi"]);
    expect((await queue.job(later))?.state).toBe("waiting");
  });
});

describe("a job's first run that finds its id claimed already", () => {
  /** The queue, and the claim of the job the key `order-1` will get set to `value` before it is enqueued. */
  async function claimed(value: string) {
    const queue = f.queue();
    const id = jobIdForKey("order-1");
    await f.redis().set(`{posse-mail}:${f.name}:posse-claim:${id}`, value, "PX", 60_000);
    return { queue, id };
  }
  const keyed = { ...message, idempotencyKey: "order-1" };

  it("completes with the receipt an earlier job of that id left (it outlived the job), requesting nothing", async () => {
    f = fixture(redis.url);
    const earlier = { provider: "memory", messageId: "memory-earlier", attempts: 1 };
    const { queue, id } = await claimed(JSON.stringify(earlier));
    const mailer = await f.mailer();
    await f.worker(mailer);
    await queue.enqueue(keyed);
    expect(await settled(queue, id)).toMatchObject({ state: "completed", result: earlier });
    expect(mailer.sent).toHaveLength(0);
  });

  it("is dead-lettered without a request when another run is sending it", async () => {
    f = fixture(redis.url);
    const { queue, id } = await claimed("sending");
    const mailer = await f.mailer();
    await f.worker(mailer);
    await queue.enqueue(keyed);
    const dead = await settled(queue, id);
    expect(dead).toMatchObject({ state: "dead-lettered", error: { code: "UNKNOWN", outcomeUnknown: true } });
    expect(dead.error?.message).toContain("may have accepted it");
    expect(mailer.sent).toHaveLength(0);
  });

  it("sends through no provider of a failover chain once another run claimed the job meanwhile (a lost lock)", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const id = jobIdForKey("order-1");
    const outboxes: NormalizedMessage[][] = [[], []];
    const chain = await createMailer({
      from: "app@example.com",
      providers: ["a", "b"].map((name, i) => ({
        definition: memoryProvider(name),
        config: { outbox: outboxes[i]! },
      })),
    });
    const client = f.redis();
    // The other run marks the job after this run started it and before its first request.
    const racing = Object.assign(Object.create(chain), {
      send: async (input: Parameters<Mailer["send"]>[0], options?: SendOptions) => {
        await client.set(`{posse-mail}:${f.name}:posse-claim:${id}`, "sending", "PX", 60_000);
        return chain.send(input, options);
      },
    }) as Mailer;
    await f.worker(racing);
    await queue.enqueue(keyed);
    const dead = await settled(queue, id);
    expect(dead).toMatchObject({ state: "dead-lettered", error: { code: "UNKNOWN", outcomeUnknown: true } });
    expect(outboxes).toEqual([[], []]);
    await chain.close();
  });

  it('is sent with onUnknownOutcome "resend"', async () => {
    f = fixture(redis.url);
    const { queue, id } = await claimed("sending");
    const mailer = await f.mailer();
    await f.worker(mailer, { onUnknownOutcome: "resend" });
    await queue.enqueue(keyed);
    expect((await settled(queue, id)).state).toBe("completed");
    expect(mailer.sent).toHaveLength(1);
  });
});
