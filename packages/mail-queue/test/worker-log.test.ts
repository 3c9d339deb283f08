// The posse-mail-worker CLI's log (pino) in real child processes: one line per job outcome (pino-pretty's
// text by default, pino's JSON lines with MAIL_QUEUE_LOG_FORMAT=json), throttled connection errors, never a
// secret or the message.

import { startRedis, type TestRedis } from "@posse/test-tools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailQueue } from "../src/index.js";
import { startStub } from "./process/soak.js";
import { startCli, until } from "./support/cli-process.js";

const PASSWORD = "queue-pw-81c3";
const TOKEN = "pm-token-3f9a7c";
let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis({ password: PASSWORD });
});
afterAll(() => redis?.stop());

function workerEnv(stubUrl: string, name: string, extra: Record<string, string> = {}) {
  return {
    MAIL_PROVIDER: "postmark",
    POSTMARK_API_TOKEN: TOKEN,
    MAIL_FROM_ADDRESS: "app@example.com",
    STUB_VENDOR_URL: stubUrl,
    MAIL_QUEUE_URL: redis.url,
    MAIL_QUEUE_NAME: name,
    MAIL_QUEUE_CONCURRENCY: "2",
    ...extra,
  };
}

const secretText = "the secret body 5e1d";
const message = { to: "ann@example.com", text: secretText };

/**
 * pino-pretty's line, `[2026-12-07 17:45:44.549] INFO (posse-mail-worker/4242): sent {"jobId":…}`, as
 * `{ level, msg, ...fields }`, once its time and pid are checked (durations vary: any number).
 */
function textLine(line: string, pid: number): Record<string, unknown> {
  const parts =
    /^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})\] (INFO|WARN|ERROR) \(posse-mail-worker\/(\d+)\): ([^{]+?)(?: (\{.*\}))?$/.exec(
      line,
    );
  if (!parts) throw new Error(`not a pino-pretty line: ${line}`);
  expect(Number(parts[3])).toBe(pid);
  const fields = JSON.parse(parts[5] ?? "{}") as Record<string, unknown>;
  if ("durationMs" in fields) expect(fields.durationMs).toEqual(expect.any(Number));
  return {
    level: parts[2]!.toLowerCase(),
    msg: parts[4],
    ...fields,
    ...("durationMs" in fields && { durationMs: 0 }),
  };
}
const lines = (text: string) => text.split("\n").filter(Boolean);

async function runOutcomes(format: "text" | "json") {
  const stub = await startStub(false, 5);
  const name = `log-${format}`;
  const queue = createMailQueue({ url: redis.url, name, attempts: 2 });
  const cli = startCli(workerEnv(stub.url, name, format === "json" ? { MAIL_QUEUE_LOG_FORMAT: "json" } : {}));
  try {
    await until(() => cli.stdout().includes("sending queue"));
    const sent = await queue.enqueue({ ...message, subject: "welcome", idempotencyKey: "welcome-1" });
    const refused = await queue.enqueue({ ...message, subject: "status-422", idempotencyKey: "bad-1" });
    const down = await queue.enqueue({ ...message, subject: "status-503", idempotencyKey: "down-1" });
    await until(() => (cli.stdout() + cli.stderr()).split(down).length === 3); // retrying, dead-lettered
    await until(() => cli.stdout().includes(sent) && cli.stderr().includes(refused));
    cli.child.kill("SIGTERM");
    const { code } = await cli.exit;
    const ids = { sent, refused, down };
    return { code, stdout: cli.stdout(), stderr: cli.stderr(), ids, pid: cli.child.pid! };
  } finally {
    cli.child.kill("SIGKILL");
    await queue.close();
    stub.child.kill("SIGTERM");
  }
}

describe("posse-mail-worker's log", () => {
  it("prints one human-readable pino-pretty line per job outcome: sent on stdout, retrying and dead-lettered on stderr", async () => {
    const { code, stdout, stderr, ids, pid } = await runOutcomes("text");
    expect(code).toBe(0);
    const parse = (text: string) => lines(text).map((line) => textLine(line, pid));
    const took = { durationMs: 0 };
    expect(parse(stdout)).toEqual([
      { level: "info", msg: "sending queue", queue: "log-text" },
      {
        level: "info",
        msg: "sent",
        jobId: ids.sent,
        provider: "postmark",
        messageId: "stub-1",
        attempts: 1,
        ...took,
      },
      { level: "info", msg: "finishing sends under way", signal: "SIGTERM" },
      { level: "info", msg: "stopped" },
    ]);
    const failure = (level: string, msg: string, jobId: string, attempts: number, code: string) => ({
      level,
      msg,
      jobId,
      provider: "postmark",
      attempts,
      code,
      ...took,
    });
    const byOrder = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      `${a.jobId}${a.attempts}`.localeCompare(`${b.jobId}${b.attempts}`);
    expect(parse(stderr).sort(byOrder)).toEqual(
      [
        failure("error", "dead-lettered", ids.refused, 1, "REJECTED"),
        failure("warn", "retrying", ids.down, 1, "UNAVAILABLE"),
        failure("error", "dead-lettered", ids.down, 2, "UNAVAILABLE"),
      ].sort(byOrder),
    );
    for (const secret of [TOKEN, PASSWORD, secretText, "ann@example.com"])
      expect(stdout + stderr).not.toContain(secret);
  });

  it("with MAIL_QUEUE_LOG_FORMAT=json prints pino's JSON lines (level by name, time, pid, hostname, name, msg)", async () => {
    const { code, stdout, stderr, ids, pid } = await runOutcomes("json");
    expect(code).toBe(0);
    const parse = (text: string) => lines(text).map((line) => JSON.parse(line) as Record<string, unknown>);
    const any = { time: expect.any(Number), pid, hostname: expect.any(String), name: "posse-mail-worker" };
    const took = { durationMs: expect.any(Number) };
    expect(parse(stdout)).toEqual([
      { level: "info", ...any, msg: "sending queue", queue: "log-json" },
      {
        level: "info",
        ...any,
        msg: "sent",
        jobId: ids.sent,
        provider: "postmark",
        messageId: "stub-1",
        attempts: 1,
        ...took,
      },
      { level: "info", ...any, msg: "finishing sends under way", signal: "SIGTERM" },
      { level: "info", ...any, msg: "stopped" },
    ]);
    const failure = (level: string, msg: string, jobId: string, attempts: number, code: string) => ({
      level,
      ...any,
      msg,
      jobId,
      provider: "postmark",
      attempts,
      code,
      ...took,
    });
    const byOrder = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      `${a.jobId}${a.attempts}`.localeCompare(`${b.jobId}${b.attempts}`);
    expect(parse(stderr).sort(byOrder)).toEqual(
      [
        failure("error", "dead-lettered", ids.refused, 1, "REJECTED"),
        failure("warn", "retrying", ids.down, 1, "UNAVAILABLE"),
        failure("error", "dead-lettered", ids.down, 2, "UNAVAILABLE"),
      ].sort(byOrder),
    );
  });

  it("prints a refused Redis password at most once per interval with a count, and SIGTERM then exits 0", async () => {
    const wrong = redis.url.replace(PASSWORD, "wrong-pw-5c2e");
    const cli = startCli({
      ...workerEnv("http://127.0.0.1:9", "log-refused"),
      MAIL_QUEUE_URL: wrong,
      MAIL_QUEUE_ERROR_LOG_INTERVAL_MS: "1000",
    });
    try {
      const started = Date.now();
      await until(() => cli.stderr().split("\n").length >= 3); // the first line and one a second later
      const ranMs = Date.now() - started;
      cli.child.kill("SIGTERM");
      const { code, signal } = await cli.exit;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      const pid = cli.child.pid!;
      const errors = lines(cli.stderr()).map((line) => textLine(line, pid));
      const refused = { level: "error", msg: "redis connection failed", code: "WRONGPASS", intervalMs: 1000 };
      expect(errors[0]).toEqual({ ...refused, count: 1 });
      for (const line of errors.slice(1)) expect(line).toEqual({ ...refused, count: expect.any(Number) });
      // ioredis retries many times a second; one line per second at most (plus the first).
      expect(errors.length).toBeLessThanOrEqual(2 + Math.floor((Date.now() - started) / 1000));
      expect(ranMs).toBeGreaterThanOrEqual(1000);
      expect(lines(cli.stdout()).map((line) => textLine(line, pid))).toEqual([
        { level: "info", msg: "finishing sends under way", signal: "SIGTERM" },
        { level: "info", msg: "stopped" },
      ]);
      expect(cli.stdout() + cli.stderr()).not.toContain("wrong-pw-5c2e");
    } finally {
      cli.child.kill("SIGKILL");
    }
  });
});
