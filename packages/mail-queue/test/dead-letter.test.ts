import { MailError, type Mailer } from "@posse/mail-core";
import { startRedis, type TestRedis } from "@posse/test-tools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failureText, readFailure } from "../src/dead-letter.js";
import { fixture, settled } from "./support/queue-fixture.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

describe("a dead letter's error", () => {
  it("round-trips the redacted MailError JSON", () => {
    const error = new MailError("REJECTED", "suppressed", { provider: "postmark", status: 422 });
    expect(readFailure(failureText(error))).toEqual(error.toJSON());
  });

  it("reads a reason BullMQ wrote itself (a job stalled too often) as UNKNOWN with the outcome unknown", () => {
    expect(readFailure("job stalled more than allowable limit")).toEqual({
      name: "MailError",
      code: "UNKNOWN",
      message: "job stalled more than allowable limit",
      retryable: false,
      outcomeUnknown: true,
    });
    expect(readFailure(undefined)).toMatchObject({
      code: "UNKNOWN",
      message: "the job failed without a reason",
    });
    expect(readFailure('{"not":"ours"}')).toMatchObject({ code: "UNKNOWN", outcomeUnknown: true });
  });
});

describe("keepDeadLettersSeconds", () => {
  const refusing = {
    provider: "memory",
    providers: ["memory"],
    send: async () => {
      throw new MailError("REJECTED", "no", { provider: "memory", retryable: false });
    },
  } as unknown as Mailer;

  it("removes a dead letter (and its message) once it is older, when the next job is dead-lettered", async () => {
    const f = fixture(redis.url);
    const g = fixture(redis.url); // another queue, with the default: kept until redriven or removed
    try {
      const queue = f.queue({ keepDeadLettersSeconds: 1, attempts: 1 });
      const kept = g.queue({ attempts: 1 });
      await f.worker(refusing, { concurrency: 1 });
      await g.worker(refusing, { concurrency: 1 });
      const dead = async (q: typeof queue, subject: string) => {
        const id = await q.enqueue({ to: "ann@example.com", subject, text: "x" });
        expect((await settled(q, id)).state).toBe("dead-lettered");
        return id;
      };
      const old = await dead(queue, "old");
      const forever = await dead(kept, "kept");
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const next = await dead(queue, "next");
      await dead(kept, "kept too");
      expect(await queue.job(old)).toBeUndefined();
      expect((await queue.job(next))?.state).toBe("dead-lettered");
      expect((await kept.job(forever))?.state).toBe("dead-lettered");
    } finally {
      await f.closeAll();
      await g.closeAll();
    }
  });

  it("must be a whole number of seconds of at least 1", () => {
    expect(() => fixture(redis.url).queue({ keepDeadLettersSeconds: 0 })).toThrow(
      expect.objectContaining({
        code: "CONFIG",
        message: "keepDeadLettersSeconds must be a whole number of at least 1",
      }),
    );
  });
});
