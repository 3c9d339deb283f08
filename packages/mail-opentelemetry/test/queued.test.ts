import { randomUUID } from "node:crypto";
import { context, propagation } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { createMailer } from "@posse/mail-core";
import { defineProvider } from "@posse/mail-core/provider";
import { createMailQueue, createMailWorker } from "@posse/mail-queue";
import { startRedis, type TestRedis } from "@posse/test-tools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailTelemetry, queueTraceContext } from "../src/index.js";
import { createTelemetry, sendAndAttempts } from "./support/harness.js";

let redis: TestRedis;
beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
  context.disable();
  propagation.disable();
});

const accepting = defineProvider<Record<string, never>>({
  id: "accepting",
  label: "Accepting",
  env: [],
  configFromEnv: () => ({}),
  create: () => ({ send: async () => ({ messageId: "vendor-1" }), verify: async () => {} }),
});

describe("queued sends", () => {
  it("the worker's send span is a child of the span that enqueued the message, through Redis", async () => {
    const otel = createTelemetry();
    const name = `otel-${randomUUID().slice(0, 8)}`;
    const mailer = await createMailer({
      from: "app@example.com",
      providers: { definition: accepting, config: {} },
      hooks: mailTelemetry({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider }),
    });
    // The worker starts outside any span, as in a worker process.
    const worker = createMailWorker({ url: redis.url, name, mailer, traceContext: queueTraceContext() });
    const queue = createMailQueue({ url: redis.url, name, traceContext: queueTraceContext() });
    try {
      await worker.ready;
      const sent = new Promise((resolve) => worker.worker.once("completed", resolve));
      const tracer = otel.tracerProvider.getTracer("app");
      const enqueuer = await tracer.startActiveSpan("POST /signup", async (span) => {
        await queue.enqueue({ to: "ann@example.com", subject: "Hi", text: "Hello" });
        span.end();
        return span.spanContext();
      });
      await sent;

      const { send, attempts } = sendAndAttempts(otel.spans());
      expect(send.spanContext().traceId).toBe(enqueuer.traceId);
      expect(send.parentSpanContext).toMatchObject({ traceId: enqueuer.traceId, spanId: enqueuer.spanId });
      expect(send.attributes["messaging.message.id"]).toBe("vendor-1");
      expect(attempts.map((attempt) => attempt.spanContext().traceId)).toEqual([enqueuer.traceId]);
    } finally {
      await worker.close({ timeoutMs: 100 });
      await queue.close();
      await mailer.close();
    }
  });
});
