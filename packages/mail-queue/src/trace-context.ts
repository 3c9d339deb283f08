/**
 * Carries a trace context from the enqueuing code to the worker's send, through the job: give the same
 * carrier to `createMailQueue` and `createMailWorker` (`queueTraceContext()` of @posse/mail-opentelemetry).
 */
export interface TraceContextCarrier {
  /** At enqueue, in the caller's context: propagation headers to store with the job (W3C `traceparent`), if any. */
  inject(): Record<string, string> | undefined;
  /** In the worker: runs the send within the context the stored headers describe. */
  run<T>(headers: Readonly<Record<string, string>>, send: () => Promise<T>): Promise<T>;
}

/** The carrier's headers, string values only; undefined when there are none or `inject` threw (tracing never fails an enqueue). */
export function injectTraceContext(
  carrier: TraceContextCarrier | undefined,
): Record<string, string> | undefined {
  if (!carrier) return undefined;
  let headers: Record<string, string> | undefined;
  try {
    headers = carrier.inject();
  } catch {
    return undefined;
  }
  const entries = Object.entries(headers ?? {}).filter(([, value]) => typeof value === "string");
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
