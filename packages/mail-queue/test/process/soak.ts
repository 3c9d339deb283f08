// The crash soak: a stub vendor in its own process, real posse-mail-worker CLI processes, SIGKILLed and
// restarted mid-run. Shared by the CI test (small) and `npm run bench` (10,000 messages).
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createMailQueue, type MailJobInfo } from "../../src/index.js";

export const BIN = fileURLToPath(new URL("../../bin/posse-mail-worker.js", import.meta.url));
export const PRELOAD = fileURLToPath(new URL("./preload-stub-endpoint.mjs", import.meta.url));
const STUB = fileURLToPath(new URL("./stub-vendor.mjs", import.meta.url));
const STUB_SMTP = fileURLToPath(new URL("./stub-smtp.mjs", import.meta.url));
const PRELOAD_SMTP = fileURLToPath(new URL("./preload-smtp-provider.mjs", import.meta.url));

export interface SoakOptions {
  readonly redisUrl: string;
  readonly messages: number;
  readonly workers: number;
  readonly kills: number;
  /** Sends per second for the whole queue. */
  readonly ratePerSecond: number;
  /** Whether the stub absorbs a second send with the same key (and the workers are told so). */
  readonly honourKeys: boolean;
  readonly timeoutMs: number;
  /** The stub's protocol: Postmark over HTTP (default), or plain SMTP through @posse/mail-smtp's pool. */
  readonly vendor?: "postmark" | "smtp";
}

export interface SoakReport {
  readonly messages: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly absorbed: number;
  /** Messages neither accepted by the stub nor dead-lettered. */
  readonly lost: string[];
  /** Dead letters, by error code. */
  readonly deadLetters: MailJobInfo[];
  /** Dead letters whose message the stub had in fact accepted (the kill came after the vendor's answer). */
  readonly deadButSent: number;
  /** Dead letters as outcome-unknown: each one an operator's decision. */
  readonly unknownOutcome: number;
  /** Of those, the ones in flight at a kill: their request had begun to reach the stub (HTTP: its first body
   * bytes; SMTP: its RCPT TO), so the outcome really was unknown. */
  readonly inFlightAtKill: number;
  /** Of those, the ones whose request never reached the stub (marked too early): `unknownOutcome − inFlightAtKill`. */
  readonly deadNeverRequested: number;
  /** Of those, the ones whose worker was killed while it was writing the marker (no reply from Redis yet). */
  readonly killedWhileMarking: number;
  /** SMTP only: transactions begun (MAIL FROM) and dropped before DATA, i.e. requests under way at a kill. */
  readonly abandonedTransactions?: number;
  readonly kills: number;
  readonly busiestSecond: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/** The most timestamps in any window of `ms`. */
export function busiestWindow(times: readonly number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/** Starts the stub vendor in its own process. */
export async function startStub(
  honourKeys: boolean,
  delayMs?: number,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [STUB], {
    env: {
      ...process.env,
      HONOUR_KEYS: honourKeys ? "1" : "0",
      STUB_DELAY_MS: delayMs ? String(delayMs) : "",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = (await once(child.stdout!, "data")) as [Buffer];
  const { port } = JSON.parse(line.toString().split("\n")[0]!) as { port: number };
  return { url: `http://127.0.0.1:${port}`, child };
}

/** A running stub vendor: `url` serves GET /stats; `env` and `preload` point a worker at it. */
interface Stub {
  readonly url: string;
  readonly child: ChildProcess;
  readonly env: Record<string, string>;
  readonly preload: string;
}

/** Starts the SMTP stub in its own process; workers reach it through 5 pooled connections each. */
async function startSmtpStub(): Promise<Stub> {
  const child = spawn(process.execPath, [STUB_SMTP], { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = (await once(child.stdout!, "data")) as [Buffer];
  const { port, statsPort } = JSON.parse(line.toString().split("\n")[0]!) as {
    port: number;
    statsPort: number;
  };
  const env = {
    MAIL_PROVIDER: "smtp",
    SMTP_HOST: "127.0.0.1",
    SMTP_PORT: String(port),
    SMTP_ENABLE_STARTTLS: "false",
    SMTP_MAX_CONNECTIONS: "5",
  };
  return { url: `http://127.0.0.1:${statsPort}`, child, env, preload: PRELOAD_SMTP };
}

async function startVendor(options: SoakOptions): Promise<Stub> {
  if (options.vendor === "smtp") return startSmtpStub();
  const stub = await startStub(options.honourKeys);
  const env = { MAIL_PROVIDER: "postmark", POSTMARK_API_TOKEN: "stub-token", STUB_VENDOR_URL: stub.url };
  return { ...stub, env, preload: PRELOAD };
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const name = `soak-${process.pid}-${Date.now()}`;
  const stub = await startVendor(options);
  // Each send's marker writes, appended by the workers (test/process/trace-marks.mjs).
  const trace = join(tmpdir(), `${name}.marks`);
  const env = {
    ...process.env,
    ...stub.env,
    SOAK_TRACE: trace,
    MAIL_FROM_ADDRESS: "app@example.com",
    MAIL_QUEUE_URL: options.redisUrl,
    MAIL_QUEUE_NAME: name,
    MAIL_QUEUE_CONCURRENCY: "10",
    MAIL_QUEUE_RATE_LIMIT: String(options.ratePerSecond),
    MAIL_QUEUE_LOCK_DURATION_MS: "2000",
    MAIL_QUEUE_STALLED_INTERVAL_MS: "1000",
    ...(options.honourKeys ? { MAIL_QUEUE_IDEMPOTENT_PROVIDERS: stub.env.MAIL_PROVIDER } : {}),
  };
  const workers = new Set<ChildProcess>();
  const startWorker = () => {
    const child = spawn(process.execPath, ["--import", stub.preload, BIN], {
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
    workers.add(child);
    child.once("exit", () => workers.delete(child));
  };
  for (let i = 0; i < options.workers; i++) startWorker();

  const queue = createMailQueue({ url: options.redisUrl, name });
  const started = Date.now();
  try {
    for (let i = 0; i < options.messages; i += 200) {
      const batch = [];
      for (let j = i; j < Math.min(i + 200, options.messages); j++) {
        batch.push(
          queue.enqueue({
            // A recipient per message, so the SMTP stub knows which message a transaction carries from RCPT TO.
            to: `ann+${j}@example.com`,
            subject: `m-${j}`,
            text: "soak",
            idempotencyKey: `soak-${j}`,
          }),
        );
      }
      await Promise.all(batch);
    }
    // Kill a random worker at spread-out moments while work remains, and start a new one.
    let kills = 0;
    const expected = options.messages;
    for (;;) {
      const counts = await queue.queue.getJobCounts("completed", "failed");
      const done = (counts.completed ?? 0) + (counts.failed ?? 0);
      if (done >= expected) break;
      if (Date.now() - started > options.timeoutMs) throw new Error(`soak: ${done}/${expected} done in time`);
      const due = kills < options.kills && done >= ((kills + 1) * expected) / (options.kills + 2);
      if (due) {
        const victim = [...workers][Math.floor(Math.random() * workers.size)];
        if (victim) {
          victim.kill("SIGKILL");
          await once(victim, "exit");
          kills += 1;
          startWorker();
        }
      }
      await new Promise((resolve) => setTimeout(resolve, due ? 50 : 100));
    }
    const finished = Date.now();
    const stats = (await (await fetch(`${stub.url}/stats`)).json()) as {
      accepted: [string, string | null, number][];
      absorbed: number;
      received: string[];
      begun: string[];
      abandoned?: number;
    };
    // What the stub saw begin: subjects over HTTP, recipients (`ann+N@…` for message m-N) over SMTP.
    const requested = new Set(
      stats.begun.map((seen) => (seen.startsWith("ann+") ? `m-${seen.slice(4, seen.indexOf("@"))}` : seen)),
    );
    const acceptedCount = new Map<string, number>();
    for (const [subject] of stats.accepted) acceptedCount.set(subject, (acceptedCount.get(subject) ?? 0) + 1);
    const deadLetters = await queue.deadLetters({ start: 0, end: -1 });
    const deadKeys = new Set(deadLetters.map((info) => info.idempotencyKey));
    const lost: string[] = [];
    for (let i = 0; i < options.messages; i++) {
      if (!acceptedCount.has(`m-${i}`) && !deadKeys.has(`soak-${i}`)) lost.push(`m-${i}`);
    }
    const seconds = (finished - started) / 1000;
    return {
      messages: options.messages,
      accepted: acceptedCount.size,
      duplicates: stats.accepted.length - acceptedCount.size,
      absorbed: stats.absorbed,
      lost,
      deadLetters,
      deadButSent: deadLetters.filter((info) => acceptedCount.has(`m-${info.idempotencyKey?.slice(5)}`))
        .length,
      ...inFlightCounts(deadLetters, requested, existsSync(trace) ? readFileSync(trace, "utf8") : ""),
      ...(stats.abandoned === undefined ? {} : { abandonedTransactions: stats.abandoned }),
      kills,
      busiestSecond: busiestWindow(
        stats.accepted.map(([, , at]) => at),
        1000,
      ),
      seconds,
      perSecond: Math.round(options.messages / seconds),
    };
  } finally {
    for (const worker of workers) worker.kill("SIGKILL");
    await queue.queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    stub.child.kill("SIGTERM");
    await once(stub.child, "exit");
    rmSync(trace, { force: true });
  }
}

/**
 * The outcome-unknown dead letters, how many of them had reached the stub (in flight at a kill) or not, and of
 * those not, how many were killed while their marker was being written (`trace`: a "marking" line, no "marked").
 */
function inFlightCounts(deadLetters: readonly MailJobInfo[], requested: ReadonlySet<string>, trace: string) {
  const marked = new Set(
    trace.split("\n").flatMap((line) => (line.endsWith(" marked") ? [line.slice(0, -7)] : [])),
  );
  const subject = (info: MailJobInfo) => `m-${info.idempotencyKey?.slice(5)}`;
  const unknown = deadLetters.filter((info) => info.error?.outcomeUnknown === true);
  const never = unknown.filter((info) => !requested.has(subject(info)));
  return {
    unknownOutcome: unknown.length,
    inFlightAtKill: unknown.length - never.length,
    deadNeverRequested: never.length,
    killedWhileMarking: never.filter((info) => !marked.has(subject(info))).length,
  };
}

/** One line for the log. */
export function describeReport(label: string, report: SoakReport, ratePerSecond: number): string {
  const byCode = new Map<string, number>();
  for (const info of report.deadLetters) {
    const code = String(info.error?.code);
    byCode.set(code, (byCode.get(code) ?? 0) + 1);
  }
  const codes = [...byCode].map(([code, count]) => `${code} ×${count}`).join(", ") || "none";
  const abandoned =
    report.abandonedTransactions === undefined
      ? ""
      : `; ${report.abandonedTransactions} SMTP transactions dropped between MAIL FROM and DATA`;
  return (
    `${label}: ${report.messages} messages, ${report.kills} SIGKILLs, ${report.accepted} accepted, ` +
    `${report.duplicates} duplicates, ${report.absorbed} re-sends absorbed, ${report.deadLetters.length} dead-lettered ` +
    `(${codes}; ${report.deadButSent} of them accepted by the vendor${abandoned}), ${report.lost.length} lost; ` +
    `unknown-outcome dead letters: ${report.unknownOutcome}, in flight at a kill: ${report.inFlightAtKill}, ` +
    `never requested: ${report.deadNeverRequested} (${report.killedWhileMarking} killed while writing the marker); busiest 1 s window ` +
    `${report.busiestSecond} sends (limit ${ratePerSecond} per fixed 1 s window); ${report.perSecond} messages/s over ${report.seconds.toFixed(1)} s`
  );
}
