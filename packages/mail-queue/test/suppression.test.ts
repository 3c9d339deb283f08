// The Redis suppression store against a real redis-server started here (and the memory store, the same
// checks), then a queue whose worker's mailer checks the list: a suppressed message is dead-lettered with
// the SUPPRESSED error at once, and redrive after the entry's removal sends it.
import { randomUUID } from "node:crypto";
import {
  createMailer,
  createSuppressionList,
  memorySuppressionStore,
  type NormalizedMessage,
  type SuppressionStore,
} from "@posse/mail-core";
import { memoryProvider } from "@posse/mail-core/testing";
import { startRedis, type TestRedis } from "@posse/test-tools";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RedisSuppressionStore, redisSuppressionStore } from "../src/suppression.js";
import { type Fixture, fixture, settled } from "./support/queue-fixture.js";

let redis: TestRedis;
const opened: RedisSuppressionStore[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});
afterAll(() => redis.stop());

/** A Redis store under a prefix of its own, closed after the test. */
function redisStore(prefix = `{t-${randomUUID().slice(0, 8)}}:suppression`): RedisSuppressionStore {
  const store = redisSuppressionStore({ url: redis.url, prefix });
  opened.push(store);
  return store;
}

const T0 = Date.parse("2026-03-01T10:00:00Z");
const at = (ms: number) => new Date(T0 + ms);
const entry = (address: string, ms: number, extra = {}) => ({
  address,
  reason: "hard-bounce" as const,
  provider: "postmark",
  firstAt: at(ms),
  lastAt: at(ms),
  eventId: `ev-${ms}`,
  ...extra,
});

describe.each([
  ["memory", () => memorySuppressionStore()],
  ["redis", () => redisStore()],
] as [string, () => SuppressionStore][])("the %s suppression store", (_name, makeStore) => {
  it("finds what was put, keeping the first time of an address recorded again", async () => {
    const store = makeStore();
    expect(await store.find(["ann@example.com"])).toEqual([]);
    await store.put(entry("ann@example.com", 0));
    await store.put(entry("ann@example.com", 5000, { reason: "complaint", provider: undefined }));
    await store.put(entry("bob@example.com", 1000, { note: "by hand" }));
    const ann = {
      ...entry("ann@example.com", 5000, { reason: "complaint", provider: undefined }),
      firstAt: at(0),
    };
    expect(await store.find(["ann@example.com", "cy@example.com"])).toEqual([ann]);
    const all = await store.list();
    expect(all.sort((a, b) => a.address.localeCompare(b.address))).toEqual([
      ann,
      entry("bob@example.com", 1000, { note: "by hand" }),
    ]);
  });

  it("removes an entry and records the removal once", async () => {
    const store = makeStore();
    await store.put(entry("ann@example.com", 0));
    const removal = { entry: entry("ann@example.com", 0), removedAt: at(9000), by: "ops", note: "asked" };
    await store.remove(removal);
    await store.remove(removal);
    expect(await store.find(["ann@example.com"])).toEqual([]);
    expect(await store.removals()).toEqual([removal]);
  });

  it("counts soft bounces within the window only", async () => {
    const store = makeStore();
    expect(await store.countSoftBounce("ann@example.com", at(0), 60_000)).toBe(1);
    expect(await store.countSoftBounce("ann@example.com", at(0), 60_000)).toBe(2);
    expect(await store.countSoftBounce("ann@example.com", at(61_000), 60_000)).toBe(1);
    expect(await store.countSoftBounce("bob@example.com", at(61_000), 60_000)).toBe(1);
  });
});

describe("the redis suppression store", () => {
  it("is shared: what one process's list adds, another's sees, across connections", async () => {
    const prefix = `{t-${randomUUID().slice(0, 8)}}:suppression`;
    const one = createSuppressionList({ store: redisStore(prefix) });
    const other = createSuppressionList({ store: redisStore(prefix) });
    await one.add("Ann@Example.com", "complaint", { provider: "sendgrid", eventId: "sg-1" });
    expect(await other.get("ann@example.com")).toMatchObject({ reason: "complaint", provider: "sendgrid" });
  });

  it("refuses a URL that is not redis://, and redis:// to another machine unless allowPlaintext, as the queue", () => {
    const refused = (url: string, message: string) =>
      expect(() => redisSuppressionStore({ url })).toThrow(
        expect.objectContaining({ code: "CONFIG", field: "url", message }),
      );
    refused("http://127.0.0.1:6379", "redisSuppressionStore: url must be a redis:// or rediss:// URL");
    refused(
      "redis://:pw-9d2a@db.example.com:6379",
      "redisSuppressionStore: url is redis:// to another machine, so its password would cross the network in clear text; use rediss://, or pass allowPlaintext: true on a network you trust",
    );
  });

  it("with allowPlaintext takes redis:// to a host that is not this machine by core's rule (0.0.0.0)", async () => {
    const url = redis.url.replace("127.0.0.1", "0.0.0.0");
    expect(() => redisSuppressionStore({ url })).toThrow(expect.objectContaining({ code: "CONFIG" }));
    const store = redisSuppressionStore({ url, allowPlaintext: true, prefix: "{t-plain}:suppression" });
    opened.push(store);
    await store.put(entry("ann@example.com", 0));
    expect(await store.find(["ann@example.com"])).toEqual([entry("ann@example.com", 0)]);
  });
});

describe("a queue whose mailer checks a suppression list", () => {
  let f: Fixture;
  afterEach(() => f.closeAll());

  it("dead-letters a suppressed message at once with SUPPRESSED; redrive after removal sends it", async () => {
    f = fixture(redis.url);
    const list = createSuppressionList({ store: redisStore() });
    await list.add("ann@example.com", "hard-bounce", { provider: "postmark", eventId: "pm-1" });
    const outbox: NormalizedMessage[] = [];
    const mailer = await createMailer({
      from: "app@example.com",
      providers: { definition: memoryProvider(), config: { outbox } },
      suppression: { list },
    });
    const queue = f.queue({ attempts: 5 });
    await f.worker(mailer);
    const id = await queue.enqueue({ to: "ann@example.com", subject: "Hi", text: "Hello" });
    const dead = await settled(queue, id);
    expect(dead).toEqual({
      id,
      state: "dead-lettered",
      attempts: 1,
      error: {
        name: "MailError",
        code: "SUPPRESSED",
        message: "the recipient is suppressed (hard-bounce: 1); nothing was sent",
        retryable: false,
      },
    });
    expect(outbox).toHaveLength(0);
    await list.remove("ann@example.com", { by: "ops", note: "mailbox fixed" });
    await queue.redrive(id);
    expect(await settled(queue, id)).toMatchObject({ state: "completed", result: { provider: "memory" } });
    expect(outbox).toHaveLength(1);
  });
});
