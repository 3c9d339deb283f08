import { context, propagation } from "@opentelemetry/api";

/** Carries a trace context through a queued job, in the shape `@posse/mail-queue`'s `traceContext` option takes. */
export interface QueueTraceContext {
  /** At enqueue, in the caller's context: the propagation headers to store with the job, if any. */
  inject(): Record<string, string> | undefined;
  /** In the worker: runs `send` in the context the stored headers describe. */
  run<T>(headers: Readonly<Record<string, string>>, send: () => Promise<T>): Promise<T>;
}

/**
 * Makes a worker's send span a child of the span that enqueued the message: pass it as `traceContext` to
 * both `createMailQueue` and `createMailWorker`. Uses the global propagator (the OpenTelemetry SDK's
 * default writes W3C `traceparent` and `tracestate`).
 */
export function queueTraceContext(): QueueTraceContext {
  return {
    inject() {
      const headers: Record<string, string> = {};
      propagation.inject(context.active(), headers);
      return Object.keys(headers).length > 0 ? headers : undefined;
    },
    run(headers, send) {
      return context.with(propagation.extract(context.active(), headers), send);
    },
  };
}
