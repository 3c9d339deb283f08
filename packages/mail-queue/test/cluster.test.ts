// The queue on a real Redis Cluster (3 masters on loopback, started by the test), with `cluster: true` and
// the default prefix `{posse-mail}`, the hash tag that keeps each queue's keys (and its workers' markers)
// in one slot, as Lua scripts on a cluster need: enqueue, dedup, workers, the global rate limit, dead letters.
import { MailError, type Mailer } from "@posse/mail-core";
import { startRedisCluster, type TestRedisCluster } from "@posse/test-tools";
import { Cluster } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { busiestWindow } from "./process/soak.js";
import { type Fixture, fixture, settled } from "./support/queue-fixture.js";

let cluster: TestRedisCluster;
let f: Fixture;
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 30_000);
afterAll(() => cluster?.stop());
afterEach(() => f?.closeAll());

const message = { to: "ann@example.com", subject: "Hi", text: "Hello" };
const onCluster = { cluster: true } as const;

/** The node (by port) that owns each of the queue's keys, read with a cluster client. */
async function nodesHolding(name: string): Promise<Set<string>> {
  const client = new Cluster([{ host: "127.0.0.1", port: cluster.ports[0]! }]);
  try {
    await client.ping(); // connects, and learns the nodes
    const owners = new Set<string>();
    for (const node of client.nodes("master")) {
      const keys = await node.keys(`{posse-mail}:${name}:*`);
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
    expect((await nodesHolding(f.name)).size).toBe(1);
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
