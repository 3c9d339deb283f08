// The posse-mail-worker CLI in a real child process, against the stub vendor in another one.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { startRedis, type TestRedis } from "@posse/test-tools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailQueue, type MailQueue } from "../src/index.js";
import { BIN, PRELOAD, startStub } from "./process/soak.js";
import { until } from "./support/cli-process.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

interface Cli {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exit: Promise<{ code: number | null; signal: string | null; at: number }>;
}

function startCli(env: Record<string, string>): Cli {
  const child = spawn(process.execPath, ["--import", PRELOAD, BIN], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exit = once(child, "exit").then(([code, signal]) => ({ code, signal, at: Date.now() }));
  return { child, output: () => output, exit: exit as Cli["exit"] };
}

/** How long `until` waits: a guard against a hang only (a busy machine starts the CLI in seconds). */
const HANG_GUARD_MS = 20_000;

async function states(queue: MailQueue, ids: readonly string[]) {
  return Promise.all(ids.map(async (id) => (await queue.job(id))?.state));
}

function workerEnv(stubUrl: string, name: string, extra: Record<string, string> = {}) {
  return {
    MAIL_PROVIDER: "postmark",
    POSTMARK_API_TOKEN: "pm-token-3f9a7c",
    MAIL_FROM_ADDRESS: "app@example.com",
    STUB_VENDOR_URL: stubUrl,
    MAIL_QUEUE_URL: redis.url,
    MAIL_QUEUE_NAME: name,
    MAIL_QUEUE_CONCURRENCY: "2",
    ...extra,
  };
}

const message = { to: "ann@example.com", text: "x" };

describe("posse-mail-worker", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "on %s finishes the sends under way, takes no new job, and exits 0",
    async (signal) => {
      const stub = await startStub(false, 800);
      const name = `cli-${signal}`;
      const queue = createMailQueue({ url: redis.url, name });
      const cli = startCli(workerEnv(stub.url, name));
      try {
        await until(() => cli.output().includes("sending queue"), HANG_GUARD_MS);
        const ids = [
          await queue.enqueue({ ...message, subject: "one" }),
          await queue.enqueue({ ...message, subject: "two" }),
        ];
        await until(
          async () => (await states(queue, ids)).every((state) => state === "active"),
          HANG_GUARD_MS,
        );
        cli.child.kill(signal);
        const late = await queue.enqueue({ ...message, subject: "late" });
        const { code } = await cli.exit;
        expect(code).toBe(0);
        expect(await states(queue, ids)).toEqual(["completed", "completed"]);
        expect((await queue.job(ids[0]!))?.result).toMatchObject({ provider: "postmark", attempts: 1 });
        expect((await queue.job(late))?.state).toBe("waiting");
        expect(cli.output()).toContain(`finishing sends under way {"signal":"${signal}"}`);
        expect(cli.output()).toContain("stopped");
      } finally {
        cli.child.kill("SIGKILL");
        await queue.close();
        stub.child.kill("SIGTERM");
      }
    },
  );

  it("stops at MAIL_QUEUE_SHUTDOWN_TIMEOUT_MS when a send takes longer, and exits 0", async () => {
    const stub = await startStub(false, 20_000);
    const name = "cli-deadline";
    const queue = createMailQueue({ url: redis.url, name });
    const cli = startCli(workerEnv(stub.url, name, { MAIL_QUEUE_SHUTDOWN_TIMEOUT_MS: "300" }));
    try {
      await until(() => cli.output().includes("sending queue"), HANG_GUARD_MS);
      const id = await queue.enqueue({ ...message, subject: "slow" });
      await until(async () => (await queue.job(id))?.state === "active", HANG_GUARD_MS);
      const signalled = Date.now();
      cli.child.kill("SIGTERM");
      const { code, at } = await cli.exit;
      expect(code).toBe(0);
      // The send takes 20 s: an exit within 10 s is the 300 ms deadline's doing, however busy the machine.
      expect(at - signalled).toBeLessThan(10_000);
      // Its lock lapses and another worker runs it again (an unknown outcome: dead-lettered by default).
      expect((await queue.job(id))?.state).toBe("active");
    } finally {
      cli.child.kill("SIGKILL");
      await queue.close();
      stub.child.kill("SIGTERM");
    }
  });

  it("exits 1 with the CONFIG error when MAIL_QUEUE_URL is missing, printing no secret", async () => {
    const cli = startCli({
      MAIL_PROVIDER: "postmark",
      POSTMARK_API_TOKEN: "pm-token-3f9a7c",
      MAIL_FROM_ADDRESS: "app@example.com",
    });
    const { code } = await cli.exit;
    expect(code).toBe(1);
    expect(cli.output()).toContain("posse-mail-worker: CONFIG: MAIL_QUEUE_URL is required");
    expect(cli.output()).not.toContain("pm-token-3f9a7c");
  });
});
