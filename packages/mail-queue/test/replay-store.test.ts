// The webhook replay store in Redis, against a real redis-server: claims are atomic across processes (two
// stores stand in for two), expire with their TTL, and an unreachable Redis makes the webhook ask the vendor
// to post again instead of losing or double-handling an event.
import { fileURLToPath } from "node:url";
import { createWebhookHandler, dedupeEvents, MailError, type MailEvent } from "@posse/mail-core";
import { sdkLoadReport } from "@posse/mail-core/testing";
import { startRedis, type TestRedis } from "@posse/test-tools";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_REPLAY_PREFIX, type RedisReplayStore, redisReplayStore } from "../src/replay-store.js";

let redis: TestRedis;
let client: Redis;
const stores: RedisReplayStore[] = [];
const store = (prefix?: string) => {
  const made = redisReplayStore({ url: redis.url, ...(prefix !== undefined && { prefix }) });
  stores.push(made);
  return made;
};

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((made) => made.close()));
  await client.flushall();
});
afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

describe("redisReplayStore", () => {
  it("lets one claim win across processes, with SET NX PX under its prefix", async () => {
    const [one, other] = [store(), store()];
    const claims = await Promise.all([
      one.claim("mailgun:token:t1", 60_000),
      other.claim("mailgun:token:t1", 60_000),
    ]);
    expect(claims.sort()).toEqual([false, true]);
    const ttl = await client.pttl(`${DEFAULT_REPLAY_PREFIX}mailgun:token:t1`);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it("keeps a claim for a new TTL, releases one, and lets an expired one be claimed again", async () => {
    const one = store("app:");
    expect(await one.claim("k", 1000)).toBe(true);
    await one.keep("k", 3_600_000);
    expect(await client.pttl("app:k")).toBeGreaterThan(3_500_000);
    await one.release("k");
    expect(await client.exists("app:k")).toBe(0);
    expect(await one.claim("k", 1000)).toBe(true);
    await client.pexpire("app:k", 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await one.claim("k", 1000)).toBe(true);
  });

  it("hands each of a vendor's redelivered events over once across two processes sharing it", async () => {
    const handed: string[] = [];
    const event = (id: string) =>
      ({
        provider: "sendgrid",
        eventId: id,
        vendorType: "delivered",
        recipient: "ann@example.com",
      }) as MailEvent;
    const receiver = () =>
      dedupeEvents((events) => void handed.push(...events.map((e) => e.eventId!)), { store: store() });
    const [first, second] = [receiver(), receiver()];
    await first([event("ev-1"), event("ev-2")]);
    await second([event("ev-2"), event("ev-3")]);
    await first([event("ev-1")]);
    expect(handed).toEqual(["ev-1", "ev-2", "ev-3"]);
  });

  it("rejects when Redis cannot be reached, so the webhook answers the vendor's retry status", async () => {
    const gone = await startRedis();
    const url = gone.url;
    await gone.stop();
    const unreachable = redisReplayStore({ url });
    stores.push(unreachable);
    const handler = createWebhookHandler(
      {
        provider: "sendgrid",
        parse: () => [{ provider: "sendgrid", eventId: "ev-1", vendorType: "delivered" } as MailEvent],
      },
      { onEvents: dedupeEvents(() => {}, { store: unreachable }) },
    );
    const response = await handler(new Request("https://app.example/hook", { method: "POST", body: "[]" }));
    expect(response.status).toBe(503);
    expect(await response.text()).toBe("the events were not accepted; send them again");
  });

  it("refuses a URL that is not redis:// with CONFIG naming the option, never the URL", () => {
    for (const url of ["http://user:hunter2@cache.internal:6379", "not a url", undefined]) {
      let error: unknown;
      try {
        redisReplayStore({ url: url as string });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(MailError);
      expect(error).toMatchObject({ code: "CONFIG", field: "url" });
      expect(String((error as Error).message)).not.toContain("hunter2");
    }
  });

  it("refuses redis:// to another machine unless allowPlaintext, as the queue does", () => {
    // 0.0.0.0 is another machine by the loopback rule, but the connection the allowed store opens stays on this one.
    const remote = "redis://:hunter2@0.0.0.0:1";
    expect(() => redisReplayStore({ url: remote })).toThrow(
      expect.objectContaining({
        code: "CONFIG",
        field: "url",
        message: expect.not.stringContaining("hunter2"),
      }),
    );
    const allowed = redisReplayStore({ url: remote, allowPlaintext: true });
    stores.push(allowed);
    expect(typeof allowed.claim).toBe("function");
  });

  it("loads ioredis but no module of BullMQ", async () => {
    const entry = fileURLToPath(new URL("../dist/replay-store.js", import.meta.url));
    const report = await sdkLoadReport({ entry });
    expect(report.afterImport.some((url) => url.includes("ioredis"))).toBe(true);
    expect(report.afterImport.filter((url) => url.includes("bullmq"))).toEqual([]);
  }, 30_000);
});
