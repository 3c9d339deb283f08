// The packed tarballs under Node, Bun and Deno (both from the npm registry): in a scratch app, each runtime
// builds a mailer from the environment for every HTTP provider and sends to a loopback stub vendor, sends
// through SMTP to a loopback sink, and passes one signed post per vendor (and the same post altered) through
// core's handler around that vendor's webhook. docs/providers.md's runtime table states what this proves.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packAll } from "./pack.js";
import { cleanEnv, run } from "./run.js";
import { RUNTIME_CHECK } from "./runtime-check.js";
import { EXPECTED_IDS, providerSetups, signedSamples, startVendorStub } from "./runtime-vendors.js";
import { createScratchDir, installTarballs } from "./scratch-app.js";
import { type SmtpSink, startSmtpSink } from "./smtp-sink.js";
import { packagesToCheck } from "./workspace-packages.js";

const BUN = "bun@1.4.5";
const DENO = "@deno/linux-x64-glibc@2.9.6";

let packDir: string;
let appDir: string;
let sink: SmtpSink;
let stub: Awaited<ReturnType<typeof startVendorStub>>;

beforeAll(async () => {
  packDir = mkdtempSync(join(tmpdir(), "posse-packed-"));
  appDir = createScratchDir();
  [sink, stub] = await Promise.all([startSmtpSink(), startVendorStub()]);
  const tarballs = await packAll(packagesToCheck(), packDir);
  await installTarballs(appDir, [...tarballs.values()]);
  const deno = await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", DENO], {
    cwd: appDir,
    env: cleanEnv(),
    timeoutMs: 180_000,
  });
  if (deno.code !== 0) throw new Error(`npm install ${DENO} failed:\n${deno.stderr}`);
  writeFileSync(join(appDir, "runtime-check.mjs"), RUNTIME_CHECK);
});

afterAll(async () => {
  await sink?.close();
  await new Promise((resolve) => stub?.server.close(resolve));
  for (const dir of [packDir, appDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** How each runtime runs the check script with its job file. */
const RUNTIMES: Record<string, () => [string, string[]]> = {
  node: () => [process.execPath, []],
  bun: () => ["npx", ["-y", BUN]],
  deno: () => [join(appDir, "node_modules", "@deno", "linux-x64-glibc", "deno"), ["run", "-A"]],
};

interface CheckResult {
  /** The runtime that ran the check and its version, e.g. `deno 2.9.6`. */
  readonly runtime: string;
  readonly sends: Record<string, { messageId?: string; error?: string }>;
  readonly webhooks: Record<
    string,
    { authentic?: number; forged?: number; events?: string[]; error?: string }
  >;
}

/** Writes a job (sends and freshly signed posts) and runs the check under `runtime`. */
async function check(runtime: string): Promise<CheckResult> {
  const job = {
    sends: [
      ...providerSetups(stub.url),
      {
        id: "smtp",
        env: { SMTP_HOST: "127.0.0.1", SMTP_PORT: String(sink.port), SMTP_ENABLE_STARTTLS: "false" },
      },
    ],
    webhooks: signedSamples(),
  };
  const jobFile = join(appDir, `job-${runtime}.json`);
  writeFileSync(jobFile, JSON.stringify(job));
  const [command, args] = RUNTIMES[runtime]!();
  const result = await run(command, [...args, "runtime-check.mjs", jobFile], {
    cwd: appDir,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? appDir, DENO_NO_UPDATE_CHECK: "1" },
    timeoutMs: 120_000,
  });
  if (result.code !== 0) throw new Error(`${runtime} exited ${result.code}:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").pop() ?? "") as CheckResult;
}

describe.each(Object.keys(RUNTIMES))("under %s, from the packed tarballs", (runtime) => {
  it("sends through every provider and verifies every vendor's signed post", async () => {
    const smtpBefore = sink.received.length;
    const result = await check(runtime);
    expect(result.runtime.split(" ")[0]).toBe(runtime);
    console.log(`runtime check: ${result.runtime}`);

    const sends = Object.fromEntries(
      Object.entries(result.sends).map(([id, sent]) => [id, sent.messageId ?? sent.error]),
    );
    expect(sends).toEqual({ ...EXPECTED_IDS, smtp: expect.stringMatching(/^<.+@.+>$/) });
    expect(sink.received.length).toBe(smtpBefore + 1);

    expect(result.webhooks).toEqual({
      "amazon-ses": { authentic: 200, forged: 401, events: ["delivered ses-1"] },
      postmark: { authentic: 200, forged: 401, events: ["delivered postmark-1"] },
      resend: { authentic: 200, forged: 401, events: ["delivered resend-1"] },
      mailgun: { authentic: 200, forged: 403, events: ["delivered <mailgun-1@mg.example.com>"] },
      sendgrid: { authentic: 200, forged: 401, events: ["delivered sendgrid-1"] },
      brevo: { authentic: 200, forged: 401, events: ["delivered <brevo-1@smtp-relay.mailin.fr>"] },
      mailjet: { authentic: 200, forged: 401, events: ["delivered 1152921504606846977"] },
    });
  }, 180_000);
});
