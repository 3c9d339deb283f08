import { describe, expect, it } from "vitest";
import { connectionErrorLog } from "../src/connection-log.js";
import type { MailQueueLogger } from "../src/logger.js";

describe("connectionErrorLog", () => {
  it("logs the first error at once, then at most one line per interval with the count since the last", () => {
    const lines: unknown[] = [];
    const record = (level: string) => (fields: Record<string, unknown>, message: string) =>
      lines.push({ level, message, ...fields });
    const logger: MailQueueLogger = { info: record("info"), warn: record("warn"), error: record("error") };
    let now = 0;
    const log = connectionErrorLog(logger, 1000, () => now);
    for (const at of [0, 90, 180, 999, 1000, 1500, 2100]) {
      now = at;
      log(at < 1500 ? "WRONGPASS" : "ECONNREFUSED");
    }
    const line = (code: string, count: number) => ({
      level: "error",
      message: "redis connection failed",
      code,
      count,
      intervalMs: 1000,
    });
    expect(lines).toEqual([line("WRONGPASS", 1), line("WRONGPASS", 4), line("ECONNREFUSED", 2)]);
  });
});
