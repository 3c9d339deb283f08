import pino, { type DestinationStream, type LoggerOptions } from "pino";
import pretty from "pino-pretty";
import type { LogFormat, MailQueueLogger } from "./logger.js";

function stream(format: LogFormat, fd: number): DestinationStream {
  // Synchronous writes: a line logged just before process.exit() is not lost.
  if (format === "json") return pino.destination({ dest: fd, sync: true });
  return pretty({
    destination: fd,
    sync: true,
    singleLine: true,
    translateTime: "SYS:yyyy-mm-dd HH:MM:ss.l",
    ignore: "hostname",
  });
}

/**
 * The CLI's logger, pino: with `text` one human-readable line per event (pino-pretty: time, level, name and
 * pid, message, fields; colours on a terminal), with `json` pino's JSON lines (`level` as its name). Info goes
 * to stdout, warnings and errors to stderr.
 */
export function cliLogger(format: LogFormat): MailQueueLogger {
  const options: LoggerOptions = {
    name: "posse-mail-worker",
    ...(format === "json" && { formatters: { level: (label: string) => ({ level: label }) } }),
  };
  const streams = pino.multistream(
    [
      { level: "info", stream: stream(format, 1) },
      { level: "warn", stream: stream(format, 2) },
    ],
    { dedupe: true },
  );
  return pino(options, streams);
}
