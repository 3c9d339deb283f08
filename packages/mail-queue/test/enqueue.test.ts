import { MailError } from "@posse/mail-core";
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

describe("enqueue", () => {
  it("validates like send: an invalid message is INVALID_MESSAGE at enqueue and adds no job", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    await expect(queue.enqueue({ ...message, to: "not an address" })).rejects.toMatchObject({
      code: "INVALID_MESSAGE",
      field: "to",
    });
    await expect(queue.enqueue({ ...message, headers: { Bcc: "x@example.com" } })).rejects.toBeInstanceOf(
      MailError,
    );
    await expect(queue.enqueue({ ...message, from: "bad" })).rejects.toMatchObject({ field: "from" });
    expect(await queue.queue.getJobCounts()).toMatchObject({ waiting: 0, delayed: 0, prioritized: 0 });
  });

  it("turns an idempotencyKey into one job: the same key twice adds one job, with a hashed id BullMQ accepts", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const first = await queue.enqueue({ ...message, idempotencyKey: "login:42" });
    const second = await queue.enqueue({ ...message, subject: "changed", idempotencyKey: "login:42" });
    expect(first).toBe(jobIdForKey("login:42"));
    expect(second).toBe(first);
    expect(first).toMatch(/^k_[A-Za-z0-9_-]{43}$/);
    // Whole numbers are no valid BullMQ custom id either; hashed, they are.
    await expect(queue.enqueue({ ...message, idempotencyKey: "123" })).resolves.toBe(jobIdForKey("123"));
    expect(await queue.queue.getWaitingCount()).toBe(2);
    expect((await queue.queue.getJob(first))?.data.message.subject).toBe("Hi");
  });

  it("keeps the key after the job completed (24 h by default), so a late duplicate is not sent again", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const mailer = await f.mailer();
    await f.worker(mailer);
    const id = await queue.enqueue({ ...message, idempotencyKey: "k-done" });
    await settled(queue, id);
    await queue.enqueue({ ...message, idempotencyKey: "k-done" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mailer.sent).toHaveLength(1);
  });

  it("gives messages without a key their own job each", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const a = await queue.enqueue(message);
    const b = await queue.enqueue(message);
    expect(a).not.toBe(b);
    expect(await queue.queue.getWaitingCount()).toBe(2);
  });

  it("carries Buffer, Uint8Array (a view into a larger buffer) and string attachments byte for byte", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const mailer = await f.mailer();
    await f.worker(mailer);
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const backing = new Uint8Array([9, 9, 0, 255, 128, 10, 13, 9]);
    const view = backing.subarray(2, 6);
    const id = await queue.enqueue({
      ...message,
      attachments: [
        { filename: "bytes.bin", content: everyByte, contentType: "application/octet-stream" },
        { filename: "view.bin", content: view },
        { filename: "note.txt", content: "Grüße ✓" },
        { filename: "logo.png", content: new Uint8Array([137, 80, 78, 71]), contentId: "logo" },
      ],
    });
    expect((await settled(queue, id)).state).toBe("completed");
    const [sent] = mailer.sent;
    expect(sent!.attachments.map((a) => [a.filename, [...a.content], a.contentType, a.contentId])).toEqual([
      ["bytes.bin", [...everyByte], "application/octet-stream", undefined],
      ["view.bin", [0, 255, 128, 10], undefined, undefined],
      ["note.txt", [...Buffer.from("Grüße ✓", "utf8")], "text/plain; charset=utf-8", undefined],
      ["logo.png", [137, 80, 78, 71], undefined, "logo"],
    ]);
  });

  it("sends from the worker mailer's default sender when the message names none, else from the message's", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const mailer = await f.mailer("worker@example.com");
    await f.worker(mailer);
    const a = await queue.enqueue(message);
    const b = await queue.enqueue({ ...message, from: "Ann <ann@example.org>" });
    await settled(queue, a);
    await settled(queue, b);
    const froms = mailer.sent.map((m) => m.from.address).sort();
    expect(froms).toEqual(["ann@example.org", "worker@example.com"]);
  });

  it("refuses a queue URL that is not redis:// with CONFIG naming MAIL_QUEUE_URL, never echoing it", () => {
    f = fixture(redis.url);
    expect(() => f.queue({ url: "http://user:s3cret@example.com" })).toThrow(
      expect.objectContaining({ code: "CONFIG", message: expect.stringContaining("MAIL_QUEUE_URL") }),
    );
    expect(() => f.queue({ url: "http://user:s3cret@example.com" })).toThrow(
      expect.not.objectContaining({ message: expect.stringContaining("s3cret") }),
    );
  });
});

describe("a worker given a job it cannot read", () => {
  it("dead-letters a job not enqueued by this package (INVALID_MESSAGE), sending nothing", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    const mailer = await f.mailer();
    await f.worker(mailer);
    const job = await queue.queue.add("send", { v: 2 } as never, { removeOnFail: false });
    const dead = await settled(queue, job.id!);
    expect(dead.error).toMatchObject({ code: "INVALID_MESSAGE", retryable: false });
    expect(mailer.sent).toHaveLength(0);
  });
});

describe("the sender of a queued message", () => {
  it("is read once: a getter that names no sender at first cannot smuggle the placeholder into the job", async () => {
    f = fixture(redis.url);
    const queue = f.queue();
    let reads = 0;
    const tricky = {
      ...message,
      get from() {
        reads += 1;
        return reads === 1 ? undefined : "evil@example.com";
      },
    };
    const id = await queue.enqueue(tricky);
    const job = await queue.queue.getJob(id);
    expect(job?.data.message.from).toBeUndefined();
    expect(reads).toBe(1);
  });
});

describe("enqueue without Redis", () => {
  it("rejects with UNAVAILABLE after timeoutMs, naming neither the URL's password nor the message", async () => {
    f = fixture(redis.url);
    const { closedPort } = await import("@posse/mail-core/testing");
    const port = await closedPort();
    const queue = f.queue({ url: `redis://:hunter2@127.0.0.1:${port}`, timeoutMs: 500 });
    const started = Date.now();
    const error = await queue.enqueue({ ...message, subject: "secret plans" }).catch((caught) => caught);
    expect(error).toMatchObject({ code: "UNAVAILABLE", retryable: true });
    expect(error.message).toContain("did not confirm the job");
    expect(JSON.stringify({ ...error, message: error.message, cause: String(error.cause) })).not.toMatch(
      /hunter2|secret plans/,
    );
    // 500 ms asked for, 10 s the default: under 5 s tells them apart with room for a busy machine.
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
