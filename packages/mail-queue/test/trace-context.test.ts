import { AsyncLocalStorage } from "node:async_hooks";
import { createTestMailer } from "@posse/mail-core/testing";
import { startRedis, type TestRedis } from "@posse/test-tools";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TraceContextCarrier } from "../src/index.js";
import { type Fixture, fixture, settled } from "./support/queue-fixture.js";

let redis: TestRedis;
let f: Fixture;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());
afterEach(() => f.closeAll());

const message = { to: "ann@example.com", subject: "Hi", text: "Hello" };
const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/** A carrier over AsyncLocalStorage, standing in for OpenTelemetry's context and propagator. */
function alsCarrier() {
  const als = new AsyncLocalStorage<string>();
  const carrier: TraceContextCarrier = {
    inject: () => {
      const traceparent = als.getStore();
      return traceparent ? { traceparent } : undefined;
    },
    run: (headers, send) => als.run(headers.traceparent ?? "", send),
  };
  return { als, carrier };
}

/** A test mailer that records the context each send started in. */
async function recordingMailer(als: AsyncLocalStorage<string>) {
  const seen: (string | undefined)[] = [];
  const mailer = await createTestMailer({
    from: "app@example.com",
    hooks: { onSendStart: () => seen.push(als.getStore()) },
  });
  return { mailer, seen };
}

describe("traceContext: the enqueuing code's trace context reaches the worker's send", () => {
  it("stores the headers inject() gives at enqueue with the job and runs the worker's send within them", async () => {
    f = fixture(redis.url);
    const { als, carrier } = alsCarrier();
    const queue = f.queue({ traceContext: carrier });
    const { mailer, seen } = await recordingMailer(als);
    await f.worker(mailer, { traceContext: carrier });

    const traced = await als.run(TRACEPARENT, () => queue.enqueue({ ...message, idempotencyKey: "traced" }));
    expect((await settled(queue, traced)).state).toBe("completed");
    const untraced = await queue.enqueue({ ...message, idempotencyKey: "untraced" });
    expect((await settled(queue, untraced)).state).toBe("completed");

    expect(seen).toEqual([TRACEPARENT, undefined]);
    expect((await queue.queue.getJob(traced))?.data.trace).toEqual({ traceparent: TRACEPARENT });
    expect((await queue.queue.getJob(untraced))?.data).not.toHaveProperty("trace");
  });

  it("enqueues and sends as usual when inject() throws", async () => {
    f = fixture(redis.url);
    const queue = f.queue({
      traceContext: {
        inject: () => {
          throw new Error("tracing is broken");
        },
        run: () => Promise.reject(new Error("not reached")),
      },
    });
    const mailer = await createTestMailer({ from: "app@example.com" });
    await f.worker(mailer);
    const id = await queue.enqueue(message);
    expect((await settled(queue, id)).state).toBe("completed");
    expect((await queue.queue.getJob(id))?.data).not.toHaveProperty("trace");
    expect(mailer.sent).toHaveLength(1);
  });
});
