// A worker from the environment checks recipients against a suppression list: the `suppression` option of
// createMailWorkerFromEnv, or MAIL_QUEUE_SUPPRESSION=redis, the list in the queue's Redis that
// posse-mail-suppression edits (its prefix and address hashing from the same variables). Then the same
// with both CLIs in real child processes.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createSuppressionList, memorySuppressionStore } from "@posse/mail-core";
import { startRedis, type TestRedis } from "@posse/test-tools";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createMailWorkerFromEnv } from "../src/index.js";
import { redisSuppressionStore } from "../src/suppression.js";
import { startStub } from "./process/soak.js";
import { startCli, until } from "./support/cli-process.js";
import { type Fixture, fixture, recordingProvider, settled } from "./support/queue-fixture.js";

let redis: TestRedis;
let f: Fixture;
beforeAll(async () => {
  redis = await startRedis();
});
afterEach(() => f?.closeAll());
afterAll(() => redis?.stop());

const SECRET = "a-secret-of-sixteen-or-more";
const suppressed = { to: "ann@example.com", subject: "Hi", text: "Hello" };
const allowed = { ...suppressed, to: "bob@example.com" };
const deadLetter = {
  state: "dead-lettered",
  attempts: 1,
  error: expect.objectContaining({ code: "SUPPRESSED", retryable: false }),
};

/** A worker from `env` (the recording provider, this test's queue) plus `extra`, closed after the test. */
async function envWorker(extra: Record<string, string>, options = {}) {
  const env = {
    MAIL_PROVIDER: "suppressiontest",
    MAIL_FROM_ADDRESS: "app@example.com",
    MAIL_QUEUE_URL: redis.url,
    MAIL_QUEUE_NAME: f.name,
    ...extra,
  };
  const worker = await createMailWorkerFromEnv({ env, ...options });
  await worker.ready;
  return worker;
}

describe("createMailWorkerFromEnv and a suppression list", () => {
  it("takes the list as the suppression option: a suppressed message is dead-lettered, unsent", async () => {
    f = fixture(redis.url);
    const sent = recordingProvider("suppressiontest");
    const list = createSuppressionList({ store: memorySuppressionStore() });
    await list.add("ann@example.com", "complaint");
    const worker = await envWorker({}, { suppression: { list } });
    try {
      const queue = f.queue({ attempts: 3 });
      const [dead, ok] = [await queue.enqueue(suppressed), await queue.enqueue(allowed)];
      expect(await settled(queue, dead)).toMatchObject(deadLetter);
      expect((await settled(queue, ok)).state).toBe("completed");
      expect(sent).toEqual(["bob@example.com"]);
    } finally {
      await worker.close();
    }
  });

  it("with MAIL_QUEUE_SUPPRESSION=redis checks the queue Redis' list, under MAIL_SUPPRESSION_PREFIX and hashed by MAIL_SUPPRESSION_HASH_SECRET", async () => {
    f = fixture(redis.url);
    const sent = recordingProvider("suppressiontest");
    const prefix = `{t-${randomUUID().slice(0, 8)}}:suppression`;
    const store = redisSuppressionStore({ url: redis.url, prefix });
    await createSuppressionList({ store, hashAddresses: { secret: SECRET } }).add(
      "ann@example.com",
      "manual",
    );
    await store.close();
    const worker = await envWorker({
      MAIL_QUEUE_SUPPRESSION: "redis",
      MAIL_SUPPRESSION_PREFIX: prefix,
      MAIL_SUPPRESSION_HASH_SECRET: SECRET,
    });
    try {
      const queue = f.queue({ attempts: 3 });
      const [dead, ok] = [await queue.enqueue(suppressed), await queue.enqueue(allowed)];
      expect(await settled(queue, dead)).toMatchObject(deadLetter);
      expect((await settled(queue, ok)).state).toBe("completed");
      expect(sent).toEqual(["bob@example.com"]);
    } finally {
      await worker.close();
    }
  });

  it("refuses any other MAIL_QUEUE_SUPPRESSION with CONFIG naming it", async () => {
    f = fixture(redis.url);
    await expect(envWorker({ MAIL_QUEUE_SUPPRESSION: "yes" })).rejects.toMatchObject({
      code: "CONFIG",
      message: 'MAIL_QUEUE_SUPPRESSION must be "redis" or unset',
    });
  });
});

describe("posse-mail-suppression and posse-mail-worker, in child processes", () => {
  it("an address the operator suppresses is dead-lettered by the worker with MAIL_QUEUE_SUPPRESSION=redis", async () => {
    const name = `suppression-cli-${randomUUID().slice(0, 8)}`;
    f = fixture(redis.url);
    const shared = {
      MAIL_QUEUE_URL: redis.url,
      MAIL_SUPPRESSION_PREFIX: `{${name}}:suppression`,
      MAIL_SUPPRESSION_HASH_SECRET: SECRET,
    };
    const bin = fileURLToPath(new URL("../bin/posse-mail-suppression.js", import.meta.url));
    const added = await new Promise<number>((resolve) =>
      execFile(process.execPath, [bin, "add", "ann@example.com"], { env: { PATH: "", ...shared } }, (error) =>
        resolve(error ? Number(error.code) : 0),
      ),
    );
    expect(added).toBe(0);
    const stub = await startStub(false, 5);
    const cli = startCli({
      ...shared,
      MAIL_PROVIDER: "postmark",
      POSTMARK_API_TOKEN: "pm-token-3f9a7c",
      MAIL_FROM_ADDRESS: "app@example.com",
      STUB_VENDOR_URL: stub.url,
      MAIL_QUEUE_NAME: name,
      MAIL_QUEUE_SUPPRESSION: "redis",
    });
    const queue = f.queue({ name, attempts: 3 });
    try {
      await until(() => cli.stdout().includes("sending queue"));
      const [dead, ok] = [await queue.enqueue(suppressed), await queue.enqueue(allowed)];
      expect(await settled(queue, dead)).toMatchObject(deadLetter);
      expect((await settled(queue, ok)).state).toBe("completed");
      const stats = (await (await fetch(`${stub.url}/stats`)).json()) as { received: string[] };
      expect(stats.received).toEqual(["Hi"]);
      cli.child.kill("SIGTERM");
      expect((await cli.exit).code).toBe(0);
    } finally {
      cli.child.kill("SIGKILL");
      stub.child.kill("SIGTERM");
    }
  });
});
