// posse-mail-queue's dead-letter commands, run exactly as the README shows them (each line of its
// "Dead letters from the command line" block, through npx in an app that has the package's bin),
// in real child processes against a real redis-server.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { MailError, type Mailer, type MailMessage } from "@posse/mail-core";
import { startRedis, type TestRedis } from "@posse/test-tools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobIdForKey } from "../src/index.js";
import { fixture, settled } from "./support/queue-fixture.js";

const README = fileURLToPath(new URL("../README.md", import.meta.url));
const BIN = fileURLToPath(new URL("../bin/posse-mail-queue.js", import.meta.url));
const run = promisify(execFile);

let redis: TestRedis;
let app: string;
beforeAll(async () => {
  redis = await startRedis();
  app = await mkdtemp(join(tmpdir(), "posse-queue-cli-"));
  await writeFile(join(app, "package.json"), '{ "name": "app", "private": true }\n');
  await mkdir(join(app, "node_modules", ".bin"), { recursive: true });
  await symlink(BIN, join(app, "node_modules", ".bin", "posse-mail-queue"));
});
afterAll(async () => {
  await redis?.stop();
  if (app) await rm(app, { recursive: true, force: true });
});

/** The README's command lines for the dead-letter tools. */
async function readmeCommands(): Promise<string[]> {
  const text = await readFile(README, "utf8");
  const section = text.split("## Dead letters from the command line")[1]!;
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return block.split("\n").filter(Boolean);
}

const errors: Record<string, MailError> = {
  shipped: new MailError("REJECTED", "postmark refused the recipient (ErrorCode 406: inactive recipient)", {
    provider: "postmark",
    retryable: false,
  }),
  invite: new MailError("UNAVAILABLE", "postmark answered HTTP 503", { provider: "postmark" }),
};

/** A mailer that fails every send with the error its subject names. */
const failing = {
  provider: "postmark",
  providers: ["postmark"],
  send: async (message: MailMessage) => {
    throw errors[message.subject!]!;
  },
} as unknown as Mailer;

describe("posse-mail-queue dead-letters, as the README shows it", () => {
  it("lists (table, JSON), shows, removes and redrives dead letters", async () => {
    const f = fixture(redis.url);
    try {
      const queue = f.queue({ attempts: 1 });
      await f.worker(failing, { concurrency: 1 });
      const keys = ["order-1042-shipped", "order-1043-shipped", "invite-77", "invite-78"];
      for (const key of keys) {
        const subject = key.startsWith("order") ? "shipped" : "invite";
        const id = await queue.enqueue({ to: "ann@example.com", subject, text: "x", idempotencyKey: key });
        expect((await settled(queue, id)).state).toBe("dead-lettered");
      }
      const [o1042, o1043, i77, i78] = keys.map(jobIdForKey) as [string, string, string, string];
      const env = { PATH: process.env.PATH ?? "", MAIL_QUEUE_URL: redis.url, MAIL_QUEUE_NAME: f.name };
      const outputs: string[] = [];
      for (const line of await readmeCommands()) {
        const { stdout, stderr } = await run("sh", ["-c", line], { cwd: app, env });
        expect(stderr).toBe("");
        outputs.push(stdout);
      }
      const [table, json, show, removed, redrivenByCode, redriven] = outputs;
      expect(outputs).toHaveLength(6);
      expect(table!.split("\n")).toEqual([
        "ID                                             CODE         PROVIDER  ATTEMPTS  ERROR",
        `${i78}  UNAVAILABLE  postmark  1         postmark answered HTTP 503`,
        `${i77}  UNAVAILABLE  postmark  1         postmark answered HTTP 503`,
        `${o1043}  REJECTED     postmark  1         postmark refused the recipient (ErrorCode 406: inactive rec…`,
        `${o1042}  REJECTED     postmark  1         postmark refused the recipient (ErrorCode 406: inactive rec…`,
        "",
      ]);
      expect((JSON.parse(json!) as { id: string }[]).map((letter) => letter.id)).toEqual([
        i78,
        i77,
        o1043,
        o1042,
      ]);
      expect(JSON.parse(show!)).toEqual({
        id: o1042,
        state: "dead-lettered",
        attempts: 1,
        error: expect.objectContaining({ code: "REJECTED", provider: "postmark", retryable: false }),
        idempotencyKey: "order-1042-shipped",
      });
      expect(removed).toBe(`removed ${o1043}\n`);
      expect(await queue.job(o1043)).toBeUndefined();
      expect(redrivenByCode).toBe(`redriven 2 dead letters with code UNAVAILABLE\n${i78}\n${i77}\n`);
      expect(redriven).toBe(`redriven ${o1042}\n`);
      // The worker picks them up again (and dead-letters them again: its vendor still refuses).
      for (const id of [i78, i77, o1042]) expect((await settled(queue, id)).attempts).toBe(1);
    } finally {
      await f.closeAll();
    }
  });

  it("exits 1 with CONFIG for an id that is not a dead letter, 2 with the usage for a wrong command", async () => {
    const env = { PATH: process.env.PATH ?? "", MAIL_QUEUE_URL: redis.url, MAIL_QUEUE_NAME: "cli-none" };
    const failure = (args: string[]) =>
      run(process.execPath, [BIN, ...args], { env }).then(
        () => ({ code: 0, stderr: "" }),
        (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
      );
    expect(await failure(["dead-letters", "redrive", "k_nothing"])).toEqual({
      code: 1,
      stderr: "posse-mail-queue: CONFIG: redrive takes the id of a dead letter\n",
    });
    const usage = await failure(["dead-letters", "purge"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^usage: posse-mail-queue dead-letters list \[--json\]\n/);
  });
});
