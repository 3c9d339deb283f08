// posse-mail-suppression in real child processes against a redis-server started here: what an operator
// sees (one JSON entry a line), the exit codes, removals recorded, hashed lists looked up by hash.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createSuppressionList } from "@posse/mail-core";
import { startRedis, type TestRedis } from "@posse/test-tools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisSuppressionStore } from "../src/suppression.js";

const BIN = fileURLToPath(new URL("../bin/posse-mail-suppression.js", import.meta.url));

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? "", ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

const lines = (text: string) =>
  text
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe("posse-mail-suppression", () => {
  it("adds, looks up, lists and removes entries; a removal is recorded with who and why", async () => {
    const env = { MAIL_QUEUE_URL: redis.url, MAIL_SUPPRESSION_PREFIX: `{t-${randomUUID().slice(0, 8)}}` };
    const added = await cli(
      ["add", "Ann@Example.com", "--reason", "complaint", "--note", "called support"],
      env,
    );
    expect(added).toMatchObject({ code: 0, stderr: "" });
    expect(lines(added.stdout)).toEqual([
      expect.objectContaining({ address: "ann@example.com", reason: "complaint", note: "called support" }),
    ]);
    const got = await cli(["get", "ann@example.com"], env);
    expect(lines(got.stdout)).toEqual(lines(added.stdout));
    expect(lines((await cli(["list"], env)).stdout)).toEqual(lines(added.stdout));
    const removed = await cli(
      ["remove", "ann@example.com", "--by", "ops@example.com", "--note", "re-subscribed"],
      env,
    );
    expect(removed.code).toBe(0);
    expect(await cli(["get", "ann@example.com"], env)).toEqual({
      code: 1,
      stdout: "",
      stderr: "posse-mail-suppression: ann@example.com is not suppressed\n",
    });
    expect(lines((await cli(["removals"], env)).stdout)).toEqual([
      {
        entry: lines(added.stdout)[0],
        removedAt: expect.stringMatching(/^\d{4}-/),
        by: "ops@example.com",
        note: "re-subscribed",
      },
    ]);
  });

  it("sees what the application's list recorded, and looks a hashed entry up by address or hash", async () => {
    const prefix = `{t-${randomUUID().slice(0, 8)}}`;
    const secret = "a-secret-of-sixteen-or-more";
    const store = redisSuppressionStore({ url: redis.url, prefix });
    const list = createSuppressionList({ store, hashAddresses: { secret } });
    const entry = await list.add("bob@example.com", "hard-bounce", { provider: "postmark", eventId: "pm-7" });
    await store.close();
    const env = {
      MAIL_QUEUE_URL: redis.url,
      MAIL_SUPPRESSION_PREFIX: prefix,
      MAIL_SUPPRESSION_HASH_SECRET: secret,
    };
    const listed = await cli(["list"], env);
    expect(listed.stdout).not.toContain("bob");
    expect(lines(listed.stdout)).toEqual([JSON.parse(JSON.stringify(entry))]);
    expect(lines((await cli(["get", "bob@example.com"], env)).stdout)).toEqual(lines(listed.stdout));
    expect(lines((await cli(["get", entry.address], env)).stdout)).toEqual(lines(listed.stdout));
  });

  it("exits 2 with the usage for a missing URL, an unknown command or a bad reason", async () => {
    const env = { MAIL_QUEUE_URL: redis.url };
    for (const [args, text] of [
      [["list"], "MAIL_QUEUE_URL is required"],
      [["purge"], 'unknown command "purge"'],
      [["add", "ann@example.com", "--reason", "bounced"], "--reason must be one of manual, hard-bounce"],
      [["get"], "get takes one address"],
    ] as const) {
      const run = await cli(args, args[0] === "list" ? {} : env);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toContain(text);
      expect(run.stderr).toContain("usage: posse-mail-suppression <command>");
    }
  });

  it("exits 1 naming the invalid address, and a Redis it cannot reach by its error code alone", async () => {
    const invalid = await cli(["add", "not an address"], { MAIL_QUEUE_URL: redis.url });
    expect(invalid).toMatchObject({
      code: 1,
      stderr: "posse-mail-suppression: INVALID_MESSAGE: address is not a valid e-mail address\n",
    });
    const down = await cli(["list"], { MAIL_QUEUE_URL: "redis://:pw-S3CRET@127.0.0.1:1" });
    expect(down.code).toBe(1);
    expect(down.stderr).not.toContain("S3CRET");
    expect(down.stderr).not.toContain("127.0.0.1");
  });
});
