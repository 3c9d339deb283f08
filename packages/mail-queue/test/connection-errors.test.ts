// A Redis that refuses the password, or is not there: nothing printed by ioredis, enqueue fails with
// UNAVAILABLE, and close() ends every connection, so the process exits by itself. In real child processes
// (running dist, as the CLI tests do), against a real redis-server with `requirepass`.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { closedPort } from "@posse/mail-core/testing";
import { startRedis, type TestRedis } from "@posse/test-tools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PASSWORD = "right-pw-7d41";
const WRONG = "wrong-pw-5c2e";
const ENQUEUE = fileURLToPath(new URL("./process/enqueue-then-close.mjs", import.meta.url));
const WORKER = fileURLToPath(new URL("./process/worker-then-close.mjs", import.meta.url));

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis({ password: PASSWORD });
});
afterAll(() => redis?.stop());

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  /** Whether the test had to kill it: it was still running `graceMs` after printing "closed". */
  readonly killed: boolean;
  /** From "closed" on stdout to the exit, in ms. */
  readonly exitAfterCloseMs: number;
}

/**
 * Runs `script` on `url`; kills it when it still runs `graceMs` after "closed", or 25 s in all (a guard
 * against a hang only: starting Node and loading BullMQ took over 5 s at load 10).
 */
async function run(script: string, url: string, graceMs = 4000): Promise<Run> {
  const child = spawn(process.execPath, [script, url], {
    env: { PATH: process.env.PATH ?? "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let closedAt = 0;
  let killed = false;
  const kill = () => {
    killed = true;
    child.kill("SIGKILL");
  };
  let timer = setTimeout(kill, 25_000);
  child.stdout!.on("data", (chunk) => {
    stdout += chunk;
    if (!closedAt && /^closed/m.test(stdout)) {
      closedAt = Date.now();
      clearTimeout(timer);
      timer = setTimeout(kill, graceMs);
    }
  });
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(timer);
  return { stdout, stderr, code, killed, exitAfterCloseMs: closedAt ? Date.now() - closedAt : -1 };
}

const wrongPassword = () => redis.url.replace(PASSWORD, WRONG);
const unreachable = async () => `redis://:${WRONG}@127.0.0.1:${await closedPort()}`;

describe("enqueue on a Redis it cannot use, then close()", () => {
  it.each([
    ["a wrong password", wrongPassword, "WRONGPASS"],
    ["an unreachable port", unreachable, "ECONNREFUSED"],
  ] as const)(
    "%s: UNAVAILABLE naming the connection's error, nothing from ioredis, the process exits by itself",
    async (_, url, cause) => {
      const result = await run(ENQUEUE, await url());
      expect(result.stdout.split("\n")).toEqual([
        `UNAVAILABLE: the queue's Redis did not confirm the job (Timeout; the connection's last error: ${cause}); enqueue it again (with an idempotencyKey that adds nothing if the first one arrived)`,
        "closed",
        "",
      ]);
      expect(result.stderr).toBe("");
      expect({ killed: result.killed, code: result.code }).toEqual({ killed: false, code: 0 });
      // ioredis gives a dropped socket up to its disconnectTimeout (2 s) to close.
      expect(result.exitAfterCloseMs).toBeLessThan(3500);
    },
  );
});

describe("a worker on a Redis it cannot use, then close()", () => {
  it.each([
    ["a wrong password", wrongPassword, "WRONGPASS"],
    ["an unreachable port", unreachable, "ECONNREFUSED"],
  ] as const)(
    "%s: close() ends its connections (the blocking one too), ready rejects UNAVAILABLE, nothing printed, the process exits by itself",
    async (_, url, cause) => {
      const result = await run(WORKER, await url());
      expect(result.stdout.split("\n")).toEqual([
        "refused",
        `closed; ready: UNAVAILABLE: the worker was closed before the queue's Redis was ready (the connection's last error: ${cause})`,
        "",
      ]);
      expect(result.stderr).toBe("");
      expect({ killed: result.killed, code: result.code }).toEqual({ killed: false, code: 0 });
      // ioredis gives a dropped socket up to its disconnectTimeout (2 s) to close.
      expect(result.exitAfterCloseMs).toBeLessThan(3500);
    },
  );
});
