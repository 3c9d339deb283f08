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

type Level = keyof MailQueueLogger;

function textValue(value: unknown): string {
  const text = String(value);
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}

/** One line per call: `posse-mail-worker: <message> key=value …`, or a JSON object (pino's field names). */
export function lineLogger(format: LogFormat, write: (level: Level, line: string) => void): MailQueueLogger {
  const log = (level: Level) => (fields: Record<string, unknown>, message: string) => {
    const defined = Object.entries(fields).filter(([, value]) => value !== undefined);
    if (format === "json") {
      write(level, JSON.stringify({ level, time: Date.now(), msg: message, ...Object.fromEntries(defined) }));
      return;
    }
    const pairs = defined.map(([key, value]) => ` ${key}=${textValue(value)}`).join("");
    write(level, `posse-mail-worker: ${message}${pairs}`);
  };
  return { info: log("info"), warn: log("warn"), error: log("error") };
}

/** The CLI's logger: info to stdout, warnings and errors to stderr. */
export function consoleLogger(format: LogFormat): MailQueueLogger {
  return lineLogger(format, (level, line) => {
    (level === "info" ? process.stdout : process.stderr).write(`${line}\n`);
  });
}
