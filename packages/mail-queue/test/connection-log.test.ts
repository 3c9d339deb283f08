import { describe, expect, it } from "vitest";
import { connectionErrorLog } from "../src/connection-log.js";
import { lineLogger } from "../src/logger.js";

describe("connectionErrorLog", () => {
  it("logs the first error at once, then at most one line per interval with the count since the last", () => {
    const lines: string[] = [];
    let now = 0;
    const log = connectionErrorLog(
      lineLogger("text", (level, line) => lines.push(`${level} ${line}`)),
      1000,
      () => now,
    );
    for (const at of [0, 90, 180, 999, 1000, 1500, 2100]) {
      now = at;
      log(at < 1500 ? "WRONGPASS" : "ECONNREFUSED");
    }
    expect(lines).toEqual([
      "error posse-mail-worker: redis connection failed code=WRONGPASS count=1 intervalMs=1000",
      "error posse-mail-worker: redis connection failed code=WRONGPASS count=4 intervalMs=1000",
      "error posse-mail-worker: redis connection failed code=ECONNREFUSED count=2 intervalMs=1000",
    ]);
  });
});
