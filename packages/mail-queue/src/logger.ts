/**
 * Where a worker reports job outcomes and connection trouble: `info`/`warn`/`error` called as
 * `(fields, message)`, the shape pino's logger (and most app loggers) already have.
 */
export interface MailQueueLogger {
  /** A job sent. */
  info(fields: Record<string, unknown>, message: string): void;
  /** A job that will be tried again, or the queue paused by a 429. */
  warn(fields: Record<string, unknown>, message: string): void;
  /** A dead-lettered job, or Redis refusing the worker. */
  error(fields: Record<string, unknown>, message: string): void;
}

/** How the CLI prints its log lines. */
export type LogFormat = "text" | "json";
