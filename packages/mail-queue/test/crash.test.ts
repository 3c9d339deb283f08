import type { Mailer } from "@posse/mail-core";
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
const fastRecovery = { lockDurationMs: 1000, stalledIntervalMs: 500 };

/** A mailer whose sends never settle: a worker stopped while it waits looks like one killed mid-send. */
function hangingMailer(started: () => void): Mailer {
  return {
    provider: "memory",
    providers: ["memory"],
    send: () => {
      started();
      return new Promise(() => undefined);
    },
  } as unknown as Mailer;
}

async function stopMidSend(f: Fixture, onUnknownOutcome: "resend" | "dead-letter") {
  const queue = f.queue();
  let sending!: () => void;
  const inSend = new Promise<void>((resolve) => (sending = resolve));
  const first = await f.worker(hangingMailer(sending), { ...fastRecovery, onUnknownOutcome });
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
    expect(info.state).toBe("failed");
    expect(info.error).toMatchObject({ code: "UNKNOWN", outcomeUnknown: true, retryable: false });
    expect(info.error?.message).toContain("may have accepted it");
    expect(mailer.sent).toHaveLength(0);
    await queue.redrive(id);
    expect((await settled(queue, id)).state).toBe("completed");
    expect(mailer.sent).toHaveLength(1);
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
