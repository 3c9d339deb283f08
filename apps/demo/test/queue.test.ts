import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MailError } from "@posse/mail-core";
import { defineProvider, registerProvider } from "@posse/mail-core/provider";
import { startRedis, type TestRedis } from "@posse/test-tools";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import type { LocalInbox } from "../src/inbox/local-inbox.js";
import { runDemo } from "../src/run-demo.js";
import { fakeOutbox, registerFakeProviders } from "./fake-providers.js";
import { collector, envWithoutMail } from "./helpers.js";

// demo --queue against a real redis-server on a free loopback port, with a password the demo must not print.
const PASSWORD = "s3cret-redis-pw";
let redis: TestRedis;
const opened: LocalInbox[] = [];
const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

beforeAll(async () => {
  registerFakeProviders();
  // A vendor that refuses every message for good: its jobs become dead letters.
  registerProvider(
    defineProvider<{ token: string }>({
      id: "refusing_mail",
      label: "Refusing Mail",
      env: [{ name: "REFUSING_MAIL_TOKEN", description: "API token", required: true, secret: true }],
      secretKeys: ["token"],
      configFromEnv: (values) => ({ token: values.REFUSING_MAIL_TOKEN! }),
      create: () => ({
        async send() {
          throw new MailError("REJECTED", "the recipient <ada> is blocked", {
            provider: "refusing_mail",
            status: 422,
          });
        },
        async verify() {},
      }),
    }),
  );
  redis = await startRedis({ password: PASSWORD });
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((inbox) => inbox.close()));
});
afterAll(() => redis?.stop());

const SUBJECTS = [
  "Your POSSE Party sign-in link",
  "Your LinkedIn connection expires in 3 days",
  "[POSSE Party] PublishError in POST /posts/42/syndicate?network=linkedin",
];

describe("demo --queue with a real Redis", () => {
  it("enqueues the three e-mails, a worker in the process delivers them to the inbox, the page shows each job completed", async () => {
    const out = collector();
    const run = await runDemo({ env: {}, out, queue: redis.url });
    opened.push(run.inbox!);
    const messages = run.inbox!.smtp.messages;
    expect(messages.map((message) => message.parsed.subject)).toEqual(SUBJECTS);

    // Each job completed once, through smtp, with the Message-ID the inbox received as its vendor id.
    expect(run.jobs!.map((job) => [job.label, job.state, job.attempts, job.provider])).toEqual([
      ["sign-in link", "completed", 1, "smtp"],
      ["credential renewal", "completed", 1, "smtp"],
      ["error report", "completed", 1, "smtp"],
    ]);
    expect(run.jobs!.map((job) => job.messageId)).toEqual(messages.map((m) => m.parsed.messageId));
    expect(run.receipts.map((receipt) => receipt.messageId)).toEqual(run.jobs!.map((job) => job.messageId));
    for (const [index, job] of run.jobs!.entries()) {
      expect(out.text()).toContain(
        `  job ${job.id} (${job.label}): completed after 1 attempt, via smtp, id ${messages[index]!.parsed.messageId}\n`,
      );
    }
    // Queued, nothing is sent by the demo itself: one line says where the e-mails go and where they wait.
    expect(out.text()).toMatch(
      /\nEnqueuing 3 e-mails to Ada Lovelace <ada@localhost\.test> on redis:\/\/127\.0\.0\.1:\d+ \(queue "posse-mail-demo"\):\n/,
    );
    expect(out.text()).not.toContain("Sending");
    expect(out.text()).toContain("Starting a worker in this process… ready, sending through smtp\n");
    expect(out.text()).not.toContain(PASSWORD);

    // The page reads the states from the queue: one row per job, linked to its message.
    const page = await (await fetch(run.inbox!.web.url)).text();
    const table = page.slice(page.indexOf('data-testid="jobs"'));
    const rows = [
      ...table.matchAll(
        /<tr data-job-state="([a-z-]+)">\n<td><code>([^<]+)<\/code><\/td>\n<td>([^<]+)<\/td>/g,
      ),
    ];
    expect(rows.map((row) => [row[1], row[2], row[3]])).toEqual(
      run.jobs!.map((job) => ["completed", job.id, job.label]),
    );
    for (const message of messages) expect(table).toContain(`<a href="/messages/${message.id}"><code>`);
    expect(page).not.toContain(PASSWORD);
  });

  it("serves bull-board for the demo's queue at /queues on the inbox server, read-only", async () => {
    const run = await runDemo({ env: {}, out: collector(), queue: redis.url });
    opened.push(run.inbox!);
    const page = await fetch(`${run.inbox!.web.url}queues`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    // bull-board's page, its assets under the base path it was given.
    const html = await page.text();
    expect(html).toContain("<title>Bull Dashboard</title>");
    expect(html).toContain('<base href="/queues/" />');
    const script = /<script[^>]* src="(static\/js\/main\.[^"]+\.js)"/.exec(html)?.[1];
    const asset = await fetch(`${run.inbox!.web.url}queues/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    await asset.arrayBuffer();
    // Its API reads the demo's queue: this run's three jobs among the completed, the queue read-only.
    const api = await fetch(
      `${run.inbox!.web.url}queues/api/queues?activeQueue=posse-mail-demo&status=completed`,
    );
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as {
      queues: { name: string; readOnlyMode: boolean; jobs: { id: string }[] }[];
    };
    expect(queues.map((queue) => [queue.name, queue.readOnlyMode])).toEqual([["posse-mail-demo", true]]);
    expect(queues[0]!.jobs.map((job) => job.id)).toEqual(
      expect.arrayContaining(run.jobs!.map((job) => job.id)),
    );
  });

  it("without --queue, /queues is the inbox's 404", async () => {
    const run = await runDemo({ env: {}, out: collector() });
    opened.push(run.inbox!);
    const page = await fetch(`${run.inbox!.web.url}queues`);
    expect(page.status).toBe(404);
  });

  it("with a provider configured, the worker sends through it (no inbox)", async () => {
    fakeOutbox.clear();
    const out = collector();
    const run = await runDemo({
      // An application's queue settings in the environment do not move the demo's worker off the demo's queue.
      env: {
        ACME_MAIL_TOKEN: "t",
        MAIL_FROM_ADDRESS: "app@example.com",
        MAIL_QUEUE_URL: "redis://127.0.0.1:1",
        MAIL_QUEUE_NAME: "mail",
        MAIL_QUEUE_PREFIX: "{app}",
      },
      out,
      queue: redis.url,
    });
    expect(run.inbox).toBeUndefined();
    expect(fakeOutbox.get("acme_mail")?.map((sent) => sent.subject)).toEqual(SUBJECTS);
    expect(run.jobs!.map((job) => [job.state, job.provider])).toEqual([
      ["completed", "acme_mail"],
      ["completed", "acme_mail"],
      ["completed", "acme_mail"],
    ]);
    expect(out.text()).toContain("Starting a worker in this process… ready, sending through acme_mail\n");
    expect(out.text()).toContain("\nEnqueuing 3 e-mails to app@example.com on redis://");
    expect(out.text()).not.toContain("Sending");
  });

  it("a permanent refusal: each job dead-lettered after one attempt with the redacted error, exit 1", async () => {
    const stdout = collector();
    const code = await main(["--queue", redis.url], {
      env: { REFUSING_MAIL_TOKEN: "t", MAIL_FROM_ADDRESS: "app@example.com" },
      stdout,
      stderr: collector(),
    });
    expect(code).toBe(1);
    expect(
      stdout
        .text()
        .match(/^ {2}job \S+ \(.+\): .*$/gm)
        ?.map((line) => line.replace(/job \S+/, "job N")),
    ).toEqual([
      "  job N (sign-in link): dead-lettered after 1 attempt: REJECTED: the recipient <ada> is blocked",
      "  job N (credential renewal): dead-lettered after 1 attempt: REJECTED: the recipient <ada> is blocked",
      "  job N (error report): dead-lettered after 1 attempt: REJECTED: the recipient <ada> is blocked",
    ]);
  });

  it("--queue --exit: lists the jobs and what arrived, exits 0, never prints the password", async () => {
    const stdout = collector();
    const stderr = collector();
    const code = await main(["--queue", redis.url, "--exit"], { env: {}, stdout, stderr });
    expect({ code, stderr: stderr.text() }).toEqual({ code: 0, stderr: "" });
    expect(
      stdout.text().match(/^ {2}job \S+ \(.+\): completed after 1 attempt, via smtp, id <[^>]+>$/gm),
    ).toHaveLength(3);
    expect(stdout.text()).toContain("The inbox received 3 messages:");
    expect(stdout.text()).not.toContain(PASSWORD);
  });

  it("a refused password (dist/cli.js in a child process): UNAVAILABLE, exit 1, no password, nothing from ioredis, the process ends", async () => {
    const url = redis.url.replace(PASSWORD, "wrong-pw-123");
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          [cli, "--queue", url, "--exit"],
          { env: envWithoutMail() },
          (error, out, err) => resolve({ code: error ? Number(error.code) : 0, stdout: out, stderr: err }),
        );
      },
    );
    expect(code).toBe(1);
    // Exactly the error and its hint: ioredis's refusals are not printed, and no retrying connection keeps
    // the process alive after the demo is done.
    expect(stderr.split("\n")).toEqual([
      expect.stringMatching(/^error UNAVAILABLE: the queue's Redis did not confirm the job/),
      "hint: is Redis running at that address, and is the URL's password right? (`redis-cli -u <url> ping` answers PONG)",
      "",
    ]);
    expect(stdout).toContain("  1/3 sign-in link… failed\n");
    expect(stdout + stderr).not.toContain("wrong-pw-123");
  });

  it("--queue --events --exit: the signed samples join the messages by the ids the jobs recorded", async () => {
    const stdout = collector();
    const code = await main(["--queue", redis.url, "--events", "--exit"], {
      env: {},
      stdout,
      stderr: collector(),
    });
    expect(code).toBe(0);
    expect(stdout.text().match(/^ {2}POST \/webhooks\/\S+ +.*… 200 accepted$/gm)).toHaveLength(7);
    expect(stdout.text()).toContain(
      "      events: delivered (amazon_ses), opened (postmark), clicked (resend)",
    );
  });

  it("a URL that is not redis:// or rediss://: CONFIG with a hint about --queue, the URL not echoed", async () => {
    const stderr = collector();
    const code = await main(["--queue", "http://user:pw-in-url@127.0.0.1:1", "--exit"], {
      env: {},
      stdout: collector(),
      stderr,
    });
    expect(code).toBe(1);
    expect(stderr.text()).toBe(
      "error CONFIG: the queue's url (MAIL_QUEUE_URL) must be a redis:// or rediss:// URL\nhint: give --queue a Redis URL, e.g. redis://127.0.0.1:6379\n",
    );
  });

  it("--queue goes with the demo run only (exit 2 with a command)", async () => {
    const stderr = collector();
    const code = await main(["doctor", "--queue", redis.url], { env: {}, stdout: collector(), stderr });
    expect(code).toBe(2);
    expect(stderr.text()).toContain("--queue goes with the demo run");
    expect(stderr.text()).not.toContain(PASSWORD);
  });
});
