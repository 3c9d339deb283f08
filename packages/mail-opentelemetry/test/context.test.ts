import { context, propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { MailError } from "@posse/mail-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueTraceContext } from "../src/index.js";
import {
  createFakeClock,
  createTelemetry,
  mailerOver,
  scriptedProvider,
  sendAndAttempts,
} from "./support/harness.js";

const message = { to: "ann@example.com", subject: "Hello", text: "Hi Ann" };

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(() => {
  context.disable();
  propagation.disable();
});

describe("trace context", () => {
  it("makes the send span a child of the caller's active span, across the awaits of a retry", async () => {
    const clock = createFakeClock();
    const otel = createTelemetry();
    const acme = scriptedProvider("acme", clock, [
      { after: 5, play: new MailError("NETWORK", "socket hang up") },
      "ok",
    ]);
    const mailer = await mailerOver([acme], clock, { hooks: otel.hooks(), retry: { attempts: 2 } });
    const tracer = otel.tracerProvider.getTracer("app");
    const request = await tracer.startActiveSpan("POST /signup", async (span) => {
      await clock.settle(mailer.send(message));
      span.end();
      return span;
    });
    const { send, attempts } = sendAndAttempts(otel.spans());
    expect(send.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(send.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) expect(attempt.spanContext().traceId).toBe(request.spanContext().traceId);
  });

  it("starts a new trace when the caller has no active span, and keeps concurrent sends apart", async () => {
    const clock = createFakeClock();
    const otel = createTelemetry();
    const mailer = await mailerOver([scriptedProvider("acme", clock, [{ after: 10, play: "ok" }])], clock, {
      hooks: otel.hooks(),
    });
    await clock.settle(Promise.all([mailer.send(message), mailer.send(message)]));
    const spans = otel.spans();
    const sends = spans.filter((span) => span.name === "send mail");
    expect(sends).toHaveLength(2);
    for (const send of sends) {
      expect(send.parentSpanContext).toBeUndefined();
      const children = spans.filter((span) => span.parentSpanContext?.spanId === send.spanContext().spanId);
      expect(children.map((child) => child.spanContext().traceId)).toEqual([send.spanContext().traceId]);
    }
    expect(sends[0]!.spanContext().traceId).not.toBe(sends[1]!.spanContext().traceId);
  });

  it("queueTraceContext carries the enqueuing span to the worker's send as W3C traceparent", async () => {
    const clock = createFakeClock();
    const otel = createTelemetry();
    const carrier = queueTraceContext();
    const tracer = otel.tracerProvider.getTracer("app");
    // The enqueuing process: what inject() returns is what the job stores (plain JSON).
    const { stored, enqueuer } = tracer.startActiveSpan("POST /signup", (span) => {
      span.end();
      return { stored: JSON.parse(JSON.stringify(carrier.inject())), enqueuer: span.spanContext() };
    });
    expect(stored).toEqual({ traceparent: `00-${enqueuer.traceId}-${enqueuer.spanId}-01` });
    expect(context.with(ROOT_CONTEXT, () => carrier.inject())).toBeUndefined();

    // The worker: no active span of its own; the send runs in the stored context.
    const mailer = await mailerOver([scriptedProvider("acme", clock)], clock, { hooks: otel.hooks() });
    await context.with(ROOT_CONTEXT, () => carrier.run(stored, () => clock.settle(mailer.send(message))));
    const { send } = sendAndAttempts(otel.spans());
    expect(send.spanContext().traceId).toBe(enqueuer.traceId);
    expect(send.parentSpanContext).toMatchObject({ spanId: enqueuer.spanId, isRemote: true });
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
