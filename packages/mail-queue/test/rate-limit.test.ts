import { startRedis, type TestRedis } from "@posse/test-tools";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Fixture, fixture, settled } from "./support/queue-fixture.js";

let redis: TestRedis;
let f: Fixture;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());
afterEach(() => f.closeAll());

const message = { to: "ann@example.com", subject: "Hi", text: "Hello" };

/** The most starts in any window of `ms` (sliding). */
function busiestWindow(starts: readonly number[], ms: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

async function sendAll(f: Fixture, count: number) {
  const queue = f.queue();
  const ids = [];
  for (let i = 0; i < count; i++) ids.push(await queue.enqueue({ ...message, subject: `m${i}` }));
  for (const id of ids) expect((await settled(queue, id)).state).toBe("completed");
}

describe("the global rate limit", () => {
  it("holds across workers: at most max per fixed window, so at most 2×max in any sliding window", async () => {
    f = fixture(redis.url);
    const a = await f.mailer();
    const b = await f.mailer();
    const rateLimit = { max: 5, durationMs: 400 };
    await f.worker(a, { concurrency: 4, rateLimit });
    await f.worker(b, { concurrency: 4, rateLimit });
    await sendAll(f, 20);
    const starts = [...a.starts, ...b.starts];
    expect(starts).toHaveLength(20);
    expect(busiestWindow(starts, 400)).toBeLessThanOrEqual(10);
    // 20 sends at 5 per 400 ms window span at least 3 full windows.
    expect(Math.max(...starts) - Math.min(...starts)).toBeGreaterThanOrEqual(1150);
    expect(a.sent.length).toBeGreaterThan(0);
    expect(b.sent.length).toBeGreaterThan(0);
  });

  it("is removed when a worker starts without one", async () => {
    f = fixture(redis.url);
    const limited = await f.mailer();
    const first = await f.worker(limited, { rateLimit: { max: 1, durationMs: 60_000 } });
    await first.close();
    const mailer = await f.mailer();
    await f.worker(mailer, { concurrency: 4 });
    await sendAll(f, 5);
    expect(mailer.sent).toHaveLength(5);
  });

  it.each([
    [{ max: 0 }, "rateLimit.max"],
    [{ max: 5, durationMs: 0.5 }, "rateLimit.durationMs"],
  ])("refuses %o with CONFIG naming %s", async (rateLimit, field) => {
    f = fixture(redis.url);
    const mailer = await f.mailer();
    await expect(f.worker(mailer, { rateLimit })).rejects.toMatchObject({
      code: "CONFIG",
      message: expect.stringContaining(field),
    });
  });
});
