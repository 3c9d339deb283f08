// The queue on a real Redis Cluster (3 masters on loopback, started by the test), with `cluster: true` and
// the default prefix `{posse-mail}`, the hash tag that keeps each queue's keys (and its workers' markers)
// in one slot, as Lua scripts on a cluster need: enqueue, dedup, workers, the global rate limit, dead letters.
// Then the suppression store and the webhook replay store on the same cluster.
import { randomUUID } from "node:crypto";
import {
  createSuppressionList,
  MailError,
  type MailEvent,
  type Mailer,
  suppressFromEvents,
} from "@posse/mail-core";
import { startRedisCluster, type TestRedisCluster } from "@posse/test-tools";
import { Cluster } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createMailQueue, createMailWorkerFromEnv } from "../src/index.js";
import { redisReplayStore } from "../src/replay-store.js";
import { redisSuppressionStore } from "../src/suppression.js";
import { busiestWindow } from "./process/soak.js";
import { type Fixture, fixture, recordingProvider, settled } from "./support/queue-fixture.js";

let cluster: TestRedisCluster;
let f: Fixture;
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 30_000);
afterAll(() => cluster?.stop());
afterEach(() => f?.closeAll());

const message = { to: "ann@example.com", subject: "Hi", text: "Hello" };
const onCluster = { cluster: true } as const;

/** The nodes (by port) holding keys that match `pattern`, read with a cluster client. */
async function nodesHolding(pattern: string): Promise<Set<string>> {
  const client = new Cluster([{ host: "127.0.0.1", port: cluster.ports[0]! }]);
  try {
    await client.ping(); // connects, and learns the nodes
    const owners = new Set<string>();
    for (const node of client.nodes("master")) {
      const keys = await node.keys(pattern);
      if (keys.length > 0) owners.add(String(node.options.port));
    }
    return owners;
  } finally {
    client.disconnect();
  }
}

describe("on a Redis Cluster", () => {
  it("enqueues, dedups by key, and a worker sends each job once; the queue's keys sit on one node", async () => {
    f = fixture(cluster.url);
    const queue = f.queue(onCluster);
    const first = await queue.enqueue({ ...message, idempotencyKey: "order-1" });
    const again = await queue.enqueue({ ...message, idempotencyKey: "order-1" });
    const other = await queue.enqueue({ ...message, subject: "Other", idempotencyKey: "order-2" });
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    const mailer = await f.mailer();
    await f.worker(mailer, onCluster);
    expect((await settled(queue, first)).state).toBe("completed");
    expect((await settled(queue, other)).state).toBe("completed");
    expect(mailer.sent.map((sent) => sent.subject).sort()).toEqual(["Hi", "Other"]);
    // Added again after it completed: still the same job, not sent again.
    expect(await queue.enqueue({ ...message, idempotencyKey: "order-1" })).toBe(first);
    expect(mailer.sent).toHaveLength(2);
    expect((await nodesHolding(`{posse-mail}:${f.name}:*`)).size).toBe(1);
  });

  it("holds the global rate limit across two workers", async () => {
    f = fixture(cluster.url);
    const a = await f.mailer();
    const b = await f.mailer();
    const rateLimit = { max: 5, durationMs: 400 };
    await f.worker(a, { ...onCluster, concurrency: 4, rateLimit });
    await f.worker(b, { ...onCluster, concurrency: 4, rateLimit });
    const queue = f.queue(onCluster);
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push(await queue.enqueue({ ...message, subject: `m${i}` }));
    for (const id of ids) expect((await settled(queue, id)).state).toBe("completed");
    const starts = [...a.starts, ...b.starts];
    expect(starts).toHaveLength(20);
    expect(busiestWindow(starts, 400)).toBeLessThanOrEqual(10);
    expect(Math.max(...starts) - Math.min(...starts)).toBeGreaterThanOrEqual(1150);
  });

  it("dead-letters a refused message with its redacted error, and redrives it", async () => {
    f = fixture(cluster.url);
    let refuse = true;
    const sent: string[] = [];
    const mailer = {
      provider: "memory",
      providers: ["memory"],
      send: async (sending: { subject: string }) => {
        if (refuse) throw new MailError("REJECTED", "no such mailbox", { provider: "memory", status: 422 });
        sent.push(sending.subject);
        return { provider: "memory", messageId: "m-1" };
      },
    } as unknown as Mailer;
    const queue = f.queue({ ...onCluster, attempts: 1 });
    await f.worker(mailer, onCluster);
    const id = await queue.enqueue(message);
    const dead = await settled(queue, id);
    expect(dead.state).toBe("dead-lettered");
    expect(dead.error).toMatchObject({ code: "REJECTED", message: "no such mailbox", provider: "memory" });
    expect((await queue.deadLetters({ start: 0, end: -1 })).map((info) => info.id)).toEqual([id]);
    refuse = false;
    await queue.redrive(id);
    expect((await settled(queue, id)).state).toBe("completed");
    expect(sent).toEqual(["Hi"]);
    expect(await queue.deadLetters({ start: 0, end: -1 })).toEqual([]);
  });
});

describe("the Redis stores on a Redis Cluster (cluster: true)", () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  const suppression = (prefix?: string) => {
    const store = redisSuppressionStore({ url: cluster.url, cluster: true, ...(prefix && { prefix }) });
    closers.push(store.close);
    return store;
  };

  it("keeps a suppression list: entries, a removal (two keys in one script, one slot), soft bounces", async () => {
    const prefix = `{t-${randomUUID().slice(0, 8)}}:suppression`;
    const one = createSuppressionList({
      store: suppression(prefix),
      softBounces: { count: 2, windowMs: 60_000 },
    });
    const other = createSuppressionList({ store: suppression(prefix) });
    await one.add("Ann@Example.com", "complaint", { provider: "sendgrid", eventId: "sg-1" });
    await one.add("bob@example.com", "manual");
    expect(await other.get("ann@example.com")).toMatchObject({ reason: "complaint", provider: "sendgrid" });
    expect(await other.remove("ann@example.com", { by: "ops" })).toMatchObject({
      address: "ann@example.com",
    });
    expect((await one.list()).map((entry) => entry.address)).toEqual(["bob@example.com"]);
    expect(await one.removals()).toEqual([expect.objectContaining({ by: "ops" })]);
    const bounce = {
      provider: "postmark",
      recipient: "cy@example.com",
      type: "bounced",
      bounce: { kind: "soft" },
    };
    await suppressFromEvents(one, [{ ...bounce, eventId: "b-1" } as MailEvent]);
    expect(await other.get("cy@example.com")).toBeUndefined();
    await suppressFromEvents(one, [{ ...bounce, eventId: "b-2" } as MailEvent]);
    expect(await other.get("cy@example.com")).toMatchObject({ reason: "hard-bounce" });
    expect((await nodesHolding(`${prefix}:*`)).size).toBe(1);
  });

  it("refuses a suppression prefix without a {hash tag}, and a queue prefix without one", () => {
    expect(() => suppression("app:suppression")).toThrow(
      expect.objectContaining({
        code: "CONFIG",
        field: "prefix",
        message: expect.stringContaining("must hold a {hash tag} on a Redis Cluster"),
      }),
    );
    expect(() => createMailQueue({ url: cluster.url, cluster: true, prefix: "app" })).toThrow(
      expect.objectContaining({
        code: "CONFIG",
        message: expect.stringContaining("MAIL_QUEUE_PREFIX) must hold a {hash tag} on a Redis Cluster"),
      }),
    );
  });

  it("keeps webhook replay claims: one claim wins across two stores, keep and release", async () => {
    const stores = [0, 1].map(() => {
      const store = redisReplayStore({ url: cluster.url, cluster: true, prefix: "app:replay:" });
      closers.push(store.close);
      return store;
    });
    const keys = ["postmark:ev-1", "postmark:ev-2", "sendgrid:ev-3", "mailgun:ev-4"];
    for (const key of keys) {
      const won = await Promise.all(stores.map((store) => store.claim(key, 60_000)));
      expect(won.sort()).toEqual([false, true]);
    }
    // Without a hash tag the claims spread over the nodes: each is one key, so they may.
    expect((await nodesHolding("app:replay:*")).size).toBeGreaterThan(1);
    await stores[0]!.keep("postmark:ev-1", 3_600_000);
    expect(await stores[1]!.claim("postmark:ev-1", 1000)).toBe(false);
    await stores[1]!.release("postmark:ev-1");
    expect(await stores[0]!.claim("postmark:ev-1", 1000)).toBe(true);
  });

  it("a worker from the environment checks the list in the cluster with MAIL_QUEUE_SUPPRESSION=redis", async () => {
    f = fixture(cluster.url);
    const prefix = `{t-${randomUUID().slice(0, 8)}}:suppression`;
    await createSuppressionList({ store: suppression(prefix) }).add("ann@example.com", "hard-bounce");
    const sent = recordingProvider("clustertest");
    const worker = await createMailWorkerFromEnv({
      env: {
        MAIL_PROVIDER: "clustertest",
        MAIL_FROM_ADDRESS: "app@example.com",
        MAIL_QUEUE_URL: cluster.url,
        MAIL_QUEUE_CLUSTER: "true",
        MAIL_QUEUE_NAME: f.name,
        MAIL_QUEUE_SUPPRESSION: "redis",
        MAIL_SUPPRESSION_PREFIX: prefix,
      },
    });
    closers.push(() => worker.close({ timeoutMs: 100 }));
    await worker.ready;
    const queue = f.queue({ ...onCluster, attempts: 3 });
    const suppressed = await queue.enqueue(message);
    const other = await queue.enqueue({ ...message, to: "bob@example.com" });
    expect(await settled(queue, suppressed)).toMatchObject({
      state: "dead-lettered",
      attempts: 1,
      error: { code: "SUPPRESSED" },
    });
    expect((await settled(queue, other)).state).toBe("completed");
    expect(sent).toEqual(["bob@example.com"]);
  });
});
