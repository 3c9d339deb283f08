// mailer.sendMany: each message is sent as `send` would send it (validation, suppression, retries,
// failover, idempotency key, events) and gets its own result at its own index; at most `concurrency`
// requests are in flight; a provider's batch call carries up to its maxBatchSize messages per request.
import { describe, expect, it } from "vitest";
import {
  createMailer,
  createSuppressionList,
  MailError,
  type MailerOptions,
  memorySuppressionStore,
  type ProviderSetup,
  type SendEndEvent,
  type SendManyResult,
} from "../src/index.js";
import { createFakeClock } from "../src/testing/index.js";
import { batchProvider, messages } from "./support/batch-provider.js";
import { FROM, tick } from "./support/scripted-provider.js";

const clock = () => createFakeClock();

async function mailerOf(providers: ProviderSetup | ProviderSetup[], options: MailerOptions = {}) {
  const fakeClock = clock();
  const mailer = await createMailer({ from: FROM, providers, clock: fakeClock, random: () => 0, ...options });
  return { mailer, clock: fakeClock };
}

/** The results as `ok:<provider>` or `<code>: <message>`, one line per message. */
const outcomes = (results: readonly SendManyResult[]) =>
  results.map((result) =>
    result.ok ? `ok:${result.receipt.provider}` : `${result.error.code}: ${result.error.message}`,
  );

const transient = (text = "busy") => new MailError("RATE_LIMITED", text, { retryable: true });

describe("sendMany without a batch call", () => {
  it("gives each message its own truth, in order: invalid, suppressed, failed and sent side by side", async () => {
    const list = createSuppressionList({ store: memorySuppressionStore() });
    await list.add("gone@example.com", "hard-bounce");
    const provider = batchProvider("acme", {
      batch: false,
      answer: (message) => (message.subject === "m3" ? new MailError("AUTH", "bad key") : "ok"),
    });
    const { mailer } = await mailerOf(provider.setup, { suppression: { list } });
    const [m0, m1, m2, m3, m4] = messages(5);
    const results = await mailer.sendMany([
      m0!,
      { ...m1!, to: "not an address" },
      { ...m2!, to: "gone@example.com" },
      m3!,
      m4!,
    ]);
    expect(outcomes(results)).toEqual([
      "ok:acme",
      "INVALID_MESSAGE: to is not a valid e-mail address",
      "SUPPRESSED: the recipient is suppressed (hard-bounce: 1); nothing was sent",
      "AUTH: bad key",
      "ok:acme",
    ]);
    expect(results[0]).toEqual({ ok: true, receipt: { provider: "acme", messageId: "acme-m0-1" } });
    expect(results[3]).toMatchObject({ ok: false, error: { provider: "acme", retryable: false } });
    expect(provider.requests.map((request) => request.subjects)).toEqual([["m0"], ["m3"], ["m4"]]);
  });

  it("returns results at their messages' indexes whatever order the vendor answers in", async () => {
    let releaseFirst = () => {};
    const first = new Promise<void>((resolve) => (releaseFirst = resolve));
    const provider = batchProvider("acme", {
      batch: false,
      hold: async ([subject]) => (subject === "m0" ? first : undefined),
    });
    const { mailer } = await mailerOf(provider.setup);
    const pending = mailer.sendMany(messages(4));
    await tick();
    releaseFirst();
    const results = await pending;
    expect(results.map((result) => result.ok && result.receipt.messageId)).toEqual([
      "acme-m0-4",
      "acme-m1-1",
      "acme-m2-2",
      "acme-m3-3",
    ]);
  });

  it("keeps at most `concurrency` requests in flight, default 8, and sends every message once", async () => {
    for (const [concurrency, expected] of [
      [undefined, 8],
      [3, 3],
      [1, 1],
    ] as const) {
      const provider = batchProvider("acme", { batch: false, hold: () => tick() });
      const { mailer } = await mailerOf(provider.setup);
      const results = await mailer.sendMany(messages(20), concurrency === undefined ? {} : { concurrency });
      expect(results.every((result) => result.ok)).toBe(true);
      expect(provider.mostInFlight).toBe(expected);
      expect(provider.requests.map((request) => request.subjects[0]).sort()).toEqual(
        messages(20)
          .map((message) => message.subject)
          .sort(),
      );
    }
  });

  it("refuses a concurrency or attempts that is not a whole number of at least 1 with CONFIG, sending nothing", async () => {
    const provider = batchProvider("acme", { batch: false });
    const { mailer } = await mailerOf(provider.setup);
    for (const concurrency of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(mailer.sendMany(messages(2), { concurrency })).rejects.toMatchObject({
        code: "CONFIG",
        message: "concurrency must be a whole number of at least 1",
      });
    }
    await expect(mailer.sendMany(messages(2), { attempts: 0 })).rejects.toMatchObject({
      code: "CONFIG",
      message: "attempts must be a whole number of at least 1",
    });
    await expect(mailer.sendMany("m0" as never)).rejects.toMatchObject({ code: "CONFIG" });
    expect(provider.requests).toEqual([]);
    expect(await mailer.sendMany([])).toEqual([]);
  });

  it("retries only the message that failed, as `send` would, within its own attempts", async () => {
    const provider = batchProvider("acme", {
      batch: false,
      answer: (message, attempt) => (message.subject === "m1" && attempt < 3 ? transient() : "ok"),
    });
    const { mailer, clock } = await mailerOf(provider.setup, { retry: { attempts: 3 } });
    const results = await clock.settle(mailer.sendMany(messages(3)));
    expect(outcomes(results)).toEqual(["ok:acme", "ok:acme", "ok:acme"]);
    expect(provider.requests.map((request) => `${request.subjects[0]}#${request.attempt}`)).toEqual([
      "m0#1",
      "m1#1",
      "m2#1",
      "m1#2",
      "m1#3",
    ]);
    const capped = await clock.settle(mailer.sendMany(messages(2), { attempts: 1 }));
    expect(outcomes(capped)).toEqual(["ok:acme", "RATE_LIMITED: busy"]);
  });

  it("fails over only the message its provider refused, keeping the rest on the first provider", async () => {
    const a = batchProvider("a", {
      batch: false,
      answer: (message) => (message.subject === "m1" ? new MailError("UNAVAILABLE", "down") : "ok"),
    });
    const b = batchProvider("b", { batch: false });
    const { mailer, clock } = await mailerOf([a.setup, b.setup], { retry: { attempts: 1 } });
    const results = await clock.settle(mailer.sendMany(messages(3)));
    expect(outcomes(results)).toEqual(["ok:a", "ok:b", "ok:a"]);
    expect(b.requests.map((request) => request.subjects)).toEqual([["m1"]]);
  });

  it("tells the hooks of each message's send, and beforeRequest the index of each request", async () => {
    const ends: SendEndEvent[] = [];
    const indexes: (readonly number[])[] = [];
    const provider = batchProvider("acme", { batch: false });
    const { mailer } = await mailerOf(provider.setup, { hooks: { onSendEnd: (event) => ends.push(event) } });
    await mailer.sendMany([...messages(2), { to: "nobody", subject: "x" }], {
      beforeRequest: async (carried) => {
        indexes.push(carried);
      },
    });
    expect(ends.map((event) => event.receipt?.messageId ?? event.error?.code)).toEqual(
      expect.arrayContaining(["acme-m0-1", "acme-m1-2", "INVALID_MESSAGE"]),
    );
    expect(ends).toHaveLength(3);
    expect(indexes).toEqual([[0], [1]]);
  });

  it("gives the rest ABORTED results once the signal aborts, and all of them when it already has", async () => {
    const controller = new AbortController();
    const provider = batchProvider("acme", {
      batch: false,
      answer: (message) => {
        if (message.subject === "m1") controller.abort(new Error("shutting down"));
        return "ok";
      },
    });
    const { mailer } = await mailerOf(provider.setup);
    const results = await mailer.sendMany(messages(4), { signal: controller.signal, concurrency: 1 });
    expect(outcomes(results)).toEqual([
      "ok:acme",
      "ABORTED: the send was aborted by the caller",
      "ABORTED: the send was aborted by the caller",
      "ABORTED: the send was aborted by the caller",
    ]);
    const again = await mailer.sendMany(messages(2), { signal: controller.signal });
    expect(outcomes(again)).toEqual([
      "ABORTED: the send was aborted by the caller",
      "ABORTED: the send was aborted by the caller",
    ]);
    expect(provider.requests).toHaveLength(2);
  });

  it("gives every message the closed mailer's error once the mailer is closed", async () => {
    const provider = batchProvider("acme", { batch: false });
    const { mailer } = await mailerOf(provider.setup);
    await mailer.close();
    const results = await mailer.sendMany(messages(2));
    expect(results).toEqual([
      {
        ok: false,
        error: expect.objectContaining({
          code: "ABORTED",
          message: "the mailer is closed: nothing was sent",
        }),
      },
      {
        ok: false,
        error: expect.objectContaining({
          code: "ABORTED",
          message: "the mailer is closed: nothing was sent",
        }),
      },
    ]);
    expect(provider.requests).toEqual([]);
  });

  it("lets the messages already started finish when the mailer closes meanwhile, and refuses the rest", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const provider = batchProvider("acme", { batch: false, hold: () => held });
    const { mailer } = await mailerOf(provider.setup);
    const pending = mailer.sendMany(messages(3), { concurrency: 1 });
    while (provider.requests.length === 0) await tick();
    const closed = mailer.close();
    release();
    expect(outcomes(await pending)).toEqual([
      "ok:acme",
      "ABORTED: the mailer is closed: nothing was sent",
      "ABORTED: the mailer is closed: nothing was sent",
    ]);
    await closed;
    expect(provider.requests).toHaveLength(1);
  });
});

describe("sendMany over a batch call", () => {
  /** Settles a sendMany on the fake clock; the 30 s request timeout never fires. */
  const settled = <T>(fake: ReturnType<typeof clock>, promise: Promise<T>) =>
    fake.settle(promise, { maxTimerMs: 1000 });
  const batches = (provider: ReturnType<typeof batchProvider>) =>
    provider.requests.map((request) => `${request.kind}#${request.attempt}:${request.subjects.join(",")}`);

  it("splits the messages into requests of at most maxBatchSize, each message with its own receipt", async () => {
    const provider = batchProvider("acme", { maxBatchSize: 3 });
    const indexes: (readonly number[])[] = [];
    const ends: SendEndEvent[] = [];
    const { mailer } = await mailerOf(provider.setup, {
      hooks: { onSendEnd: (event) => ends.push(event) },
    });
    // No clock moved: a batch goes out on the event loop's next turn, not on a timer.
    const results = await mailer.sendMany(messages(7), {
      beforeRequest: async (carried) => void indexes.push(carried),
    });
    expect(batches(provider)).toEqual(["batch#1:m0,m1,m2", "batch#1:m3,m4,m5", "batch#1:m6"]);
    expect(results.map((result) => result.ok && result.receipt.messageId)).toEqual(
      messages(7).map((message, i) => `acme-${message.subject}-${i + 1}`),
    );
    expect(indexes).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(ends.map((event) => event.receipt?.messageId).sort()).toEqual(
      results.map((result) => result.ok && result.receipt.messageId).sort(),
    );
  });

  it("takes 100 messages per request when the transport names no maxBatchSize", async () => {
    const provider = batchProvider("acme");
    const { mailer, clock } = await mailerOf(provider.setup);
    await settled(clock, mailer.sendMany(messages(150)));
    expect(provider.requests.map((request) => request.subjects.length)).toEqual([100, 50]);
  });

  it("fails only the message a batch entry refused, and retries a transient one in a later batch", async () => {
    const provider = batchProvider("acme", {
      answer: (message, attempt) => {
        if (message.subject === "m1") return new MailError("INVALID_MESSAGE", "m1 has a bad header");
        return message.subject === "m2" && attempt === 1 ? transient() : "ok";
      },
    });
    const { mailer, clock } = await mailerOf(provider.setup, { retry: { attempts: 3 } });
    const results = await settled(clock, mailer.sendMany(messages(4)));
    expect(outcomes(results)).toEqual([
      "ok:acme",
      "INVALID_MESSAGE: m1 has a bad header",
      "ok:acme",
      "ok:acme",
    ]);
    expect(results[1]).toMatchObject({ ok: false, error: { provider: "acme" } });
    expect(batches(provider)).toEqual(["batch#1:m0,m1,m2,m3", "batch#2:m2"]);
  });

  it("gives every message of a failed batch request that request's error, each retried on its own terms", async () => {
    const down = new MailError("UNAVAILABLE", "503", { retryable: true });
    const flaky = batchProvider("acme", { batchThrows: (call) => (call === 1 ? down : undefined) });
    const first = await mailerOf(flaky.setup, { retry: { attempts: 2 } });
    const results = await settled(first.clock, first.mailer.sendMany(messages(2)));
    expect(outcomes(results)).toEqual(["ok:acme", "ok:acme"]);
    expect(batches(flaky)).toEqual(["batch#1:m0,m1", "batch#2:m0,m1"]);

    const refused = batchProvider("acme", { batchThrows: () => new MailError("AUTH", "bad key") });
    const second = await mailerOf(refused.setup);
    const failed = await settled(second.clock, second.mailer.sendMany(messages(2)));
    expect(outcomes(failed)).toEqual(["AUTH: bad key", "AUTH: bad key"]);
    expect(failed[0]).toMatchObject({ ok: false, error: { provider: "acme" } });
  });

  it("fails every message of a batch answered with the wrong number of entries as possibly accepted", async () => {
    const provider = batchProvider("acme", { mangle: (answers) => answers.slice(1) });
    const { mailer, clock } = await mailerOf(provider.setup, { retry: { attempts: 3 } });
    const results = await settled(clock, mailer.sendMany(messages(3)));
    const error = {
      code: "UNKNOWN",
      message: "acme answered 2 results for a batch of 3 messages, so it may or may not have accepted them",
      provider: "acme",
      outcomeUnknown: true,
      retryable: false,
    };
    expect(results).toEqual(
      Array.from({ length: 3 }, () => ({ ok: false, error: expect.objectContaining(error) })),
    );
    expect(provider.requests).toHaveLength(1);
  });

  it("batches each message with its own idempotency key, and sends alone what canBatch refuses", async () => {
    const keyed = (n: number) =>
      messages(n).map((message, i) => (i % 2 ? { ...message, idempotencyKey: `key-${i}` } : message));
    const carrying = batchProvider("acme");
    const first = await mailerOf(carrying.setup);
    await settled(first.clock, first.mailer.sendMany(keyed(4)));
    expect(carrying.requests.map((request) => [request.kind, request.keys])).toEqual([
      ["batch", [undefined, "key-1", undefined, "key-3"]],
    ]);
    // A vendor whose batch takes one key per request: its canBatch sends the keyed messages alone.
    const oneKey = batchProvider("acme", { canBatch: (message) => message.idempotencyKey === undefined });
    const second = await mailerOf(oneKey.setup);
    const results = await settled(second.clock, second.mailer.sendMany(keyed(4)));
    expect(outcomes(results)).toEqual(["ok:acme", "ok:acme", "ok:acme", "ok:acme"]);
    expect(
      oneKey.requests.map((request) => `${request.kind}:${request.subjects}:${request.keys}`).sort(),
    ).toEqual(["batch:m0,m2:,", "send:m1:key-1", "send:m3:key-3"]);
  });

  it("fails over only the message the batch refused, to the next provider's own send", async () => {
    const a = batchProvider("a", {
      answer: (message) => (message.subject === "m1" ? new MailError("UNAVAILABLE", "down") : "ok"),
    });
    const b = batchProvider("b", { batch: false });
    const { mailer, clock } = await mailerOf([a.setup, b.setup], { retry: { attempts: 1 } });
    const results = await settled(clock, mailer.sendMany(messages(3)));
    expect(outcomes(results)).toEqual(["ok:a", "ok:b", "ok:a"]);
    expect(batches(a)).toEqual(["batch#1:m0,m1,m2"]);
    expect(batches(b)).toEqual(["send#1:m1"]);
  });

  it("keeps at most `concurrency` batch requests in flight", async () => {
    const provider = batchProvider("acme", { maxBatchSize: 2, hold: () => tick() });
    const { mailer, clock } = await mailerOf(provider.setup);
    const results = await settled(clock, mailer.sendMany(messages(10), { concurrency: 2 }));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(provider.mostInFlight).toBe(2);
    expect(provider.requests.map((request) => request.subjects.length)).toEqual([2, 2, 2, 2, 2]);
  });

  it("gives every message of a batch in flight ABORTED results when the signal aborts", async () => {
    const controller = new AbortController();
    const provider = batchProvider("acme", { hold: () => new Promise<void>(() => {}) });
    const { mailer } = await mailerOf(provider.setup);
    const pending = mailer.sendMany(messages(3), { signal: controller.signal });
    while (provider.requests.length === 0) await tick();
    expect(batches(provider)).toEqual(["batch#1:m0,m1,m2"]);
    controller.abort(new Error("shutting down"));
    const results = await pending;
    expect(outcomes(results)).toEqual(Array(3).fill("ABORTED: the send was aborted by the caller"));
  });
});
