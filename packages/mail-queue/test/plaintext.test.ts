// redis:// (no TLS) only to this machine, as core's plain-http rule: rediss:// or an explicit opt-in elsewhere.

import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Mailer } from "@posse/mail-core";
import { startRedis, type TestRedis } from "@posse/test-tools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveLocation } from "../src/connection.js";
import { createMailQueue, createMailWorker, workerOptionsFromEnv } from "../src/index.js";
import { startCli, until } from "./support/cli-process.js";

const refusal =
  "the queue's url (MAIL_QUEUE_URL) is redis:// to another machine: its password and every message would cross the network in clear text; use rediss://, or set MAIL_QUEUE_ALLOW_PLAINTEXT=true (allowPlaintext) on a network you trust";

describe("a redis:// queue URL", () => {
  it.each(["redis://:pw-9d2a@db.example.com:6379", "redis://10.0.0.5:6379", "redis://[2001:db8::1]:6379"])(
    "to another machine (%s) is refused with CONFIG by the queue and the worker, naming neither host nor password",
    (url) => {
      const mailer = { provider: "memory", providers: ["memory"] } as unknown as Mailer;
      for (const open of [() => createMailQueue({ url }), () => createMailWorker({ url, mailer })]) {
        expect(open).toThrow(expect.objectContaining({ code: "CONFIG", message: refusal }));
      }
    },
  );

  it.each(["redis://127.0.0.1:6379", "redis://localhost", "redis://[::1]:6379", "redis://127.0.0.2"])(
    "to this machine (%s) is accepted",
    (url) => {
      expect(resolveLocation({ url }).url).toBe(url);
    },
  );

  it("to another machine is accepted as rediss://, or with allowPlaintext (MAIL_QUEUE_ALLOW_PLAINTEXT=true)", () => {
    expect(resolveLocation({ url: "rediss://db.example.com:6380" }).name).toBe("mail");
    expect(resolveLocation({ url: "redis://db.example.com", allowPlaintext: true }).name).toBe("mail");
    const env = { MAIL_QUEUE_URL: "redis://db.example.com", MAIL_QUEUE_ALLOW_PLAINTEXT: "true" };
    const { options } = workerOptionsFromEnv(env);
    expect(options.allowPlaintext).toBe(true);
    expect(resolveLocation(options).url).toBe("redis://db.example.com");
    expect(
      workerOptionsFromEnv({ ...env, MAIL_QUEUE_ALLOW_PLAINTEXT: "yes" }).options.allowPlaintext,
    ).toBeUndefined();
  });
});

// The three bins read MAIL_QUEUE_URL, MAIL_QUEUE_ALLOW_PLAINTEXT (and MAIL_QUEUE_CLUSTER) alike. 0.0.0.0 is
// not this machine by core's rule, yet on Linux a connection to it reaches the test's Redis on 127.0.0.1:
// refused without the opt-in, working with it.
describe("MAIL_QUEUE_ALLOW_PLAINTEXT, in the CLIs' child processes", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  const run = (bin: string, args: readonly string[], env: Record<string, string>) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [fileURLToPath(new URL(`../bin/${bin}.js`, import.meta.url)), ...args],
        { env: { PATH: process.env.PATH ?? "", ...env } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });
  const env = (extra: Record<string, string> = {}) => ({
    MAIL_QUEUE_URL: `redis://0.0.0.0:${redis.port}`,
    MAIL_QUEUE_NAME: "plaintext-cli",
    MAIL_PROVIDER: "postmark",
    POSTMARK_API_TOKEN: "pm-token-3f9a7c",
    MAIL_FROM_ADDRESS: "app@example.com",
    ...extra,
  });

  it("without it, posse-mail-worker, posse-mail-queue and posse-mail-suppression all exit 1 with the CONFIG error", async () => {
    const worker = startCli(env());
    expect((await worker.exit).code).toBe(1);
    expect(worker.stderr()).toBe(`posse-mail-worker: CONFIG: ${refusal}\n`);
    const queue = await run("posse-mail-queue", ["dead-letters", "list", "--json"], env());
    expect(queue).toEqual({ code: 1, stdout: "", stderr: `posse-mail-queue: CONFIG: ${refusal}\n` });
    const suppression = await run("posse-mail-suppression", ["list"], env());
    expect(suppression).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "posse-mail-suppression: CONFIG: redisSuppressionStore: url is redis:// to another machine, so its password would cross the network in clear text; use rediss://, or pass allowPlaintext: true on a network you trust\n",
    });
  });

  it("with MAIL_QUEUE_ALLOW_PLAINTEXT=true, all three connect and work", async () => {
    const allowed = env({ MAIL_QUEUE_ALLOW_PLAINTEXT: "true" });
    const worker = startCli(allowed);
    try {
      await until(() => worker.stdout().includes("sending queue"));
      worker.child.kill("SIGTERM");
      expect((await worker.exit).code).toBe(0);
    } finally {
      worker.child.kill("SIGKILL");
    }
    expect(await run("posse-mail-queue", ["dead-letters", "list", "--json"], allowed)).toEqual({
      code: 0,
      stdout: "[]\n",
      stderr: "",
    });
    const added = await run("posse-mail-suppression", ["add", "ann@example.com"], allowed);
    expect(added).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(added.stdout)).toMatchObject({ address: "ann@example.com", reason: "manual" });
  });
});
