export { ATTR } from "./attributes.js";
export { INSTRUMENTATION_NAME, type MailTelemetryOptions, mailTelemetry } from "./mail-telemetry.js";
export { type QueueTraceContext, queueTraceContext } from "./queue-trace-context.js";
