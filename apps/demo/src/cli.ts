#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type EnvSource, resolveMailProvider, type SendReceipt } from "@posse/mail-core";
import { doctor } from "./doctor.js";
import type { LocalInbox } from "./inbox/local-inbox.js";
import { checkLocalInbox, sendToLocalInbox } from "./local-mode.js";
import { type TextOutput, writeLine } from "./output.js";
import type { JobView } from "./queue/job-view.js";
import { reportError, UsageError } from "./report-error.js";
import { printInboxSummary, runDemo } from "./run-demo.js";
import { sendOne } from "./send-one.js";
import { postSampleEvents, sampleTargets } from "./webhooks/post-samples.js";

export const USAGE = `Usage: demo [command] [options]

Commands:
  (none)    send three e-mails (sign-in link, credential renewal, error report) through the
            configured provider; with none configured, to a local inbox shown on a web page
  doctor    show which providers are configured, which one is chosen and why, and verify it
            (with none configured, verify the local inbox instead)
  send      send one message: demo send --to <address> --subject <text> --text <text> [--html <html>]
            (with no provider configured, to the local inbox, served until Ctrl-C or --exit)
  help      show this help

Options:
  --to <address>     recipient (default: MAIL_FROM_ADDRESS; a local address for the local inbox)
  --events           local inbox: after sending, post a signed sample delivery event of each vendor
                     to the inbox's webhooks (shown with each message), and a forged one it refuses
  --exit             local inbox: send, list what arrived, then stop instead of serving
  --queue <url>      send through @posse/mail-queue on this Redis (redis://host:port) and a worker
                     in this process; the inbox page shows each job's state
  --port <n>         local inbox web port (default: any free port)
  --smtp-port <n>    local inbox SMTP port (default: any free port)
  --verbose          print the OpenTelemetry spans of the demo's sends (@posse/mail-opentelemetry)
                     and stack traces of errors
  -h, --help         show this help

Providers are configured by environment variables; see \`demo doctor\` and the README.`;

/** What `main` reads and writes, injected so tests need not spawn a process. */
export interface MainContext {
  readonly env: EnvSource;
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
  /** Ends the local inbox's serving (Ctrl-C); without it, serving lasts until the process ends. */
  readonly signal?: AbortSignal;
}

const OPTIONS = {
  to: { type: "string" },
  subject: { type: "string" },
  text: { type: "string" },
  html: { type: "string" },
  exit: { type: "boolean" },
  events: { type: "boolean" },
  queue: { type: "string" },
  port: { type: "string" },
  "smtp-port": { type: "string" },
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
} as const;

function parsePort(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`${flag} must be a port number (0-65535), got "${value}"`);
  }
  return port;
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

/** `--events`: signed samples about the messages just sent, to the inbox's webhooks over HTTP; closes the inbox on failure. */
async function postSamples(
  inbox: LocalInbox,
  receipts: readonly SendReceipt[],
  out: TextOutput,
): Promise<void> {
  try {
    await postSampleEvents({
      inboxUrl: inbox.web.url,
      secrets: inbox.webhookSecrets,
      targets: sampleTargets(
        inbox.smtp.messages,
        receipts.map((receipt) => receipt.messageId),
      ),
      out,
    });
  } catch (error) {
    await inbox.close();
    throw error;
  }
}

/**
 * Lists the inbox and closes it (`--exit`: 1 when a queued job did not complete), or serves it until the
 * signal aborts, then closes it.
 */
async function serve(
  inbox: LocalInbox,
  exit: boolean,
  context: MainContext,
  jobs: readonly JobView[] = [],
): Promise<number> {
  const { stdout } = context;
  if (exit) {
    printInboxSummary(inbox, stdout);
    await inbox.close();
    return jobs.every((job) => job.state === "completed") ? 0 : 1;
  }
  const them = inbox.smtp.messages.length === 1 ? "it" : "them";
  writeLine(stdout, `Open the inbox URL in a browser to read ${them}. Serving until Ctrl-C.`);
  await waitForAbort(context.signal);
  writeLine(stdout, "Stopping the local inbox.");
  await inbox.close();
  return 0;
}

async function dispatch(argv: readonly string[], context: MainContext, verbose: boolean): Promise<number> {
  const { values, positionals } = parse(argv);
  const [command = "demo", ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (values.help || command === "help") {
    writeLine(context.stdout, USAGE);
    return 0;
  }
  const { env, stdout, stderr } = context;
  const smtpPort = parsePort(values["smtp-port"], "--smtp-port");
  const webPort = parsePort(values.port, "--port");
  const ports = { ...(smtpPort !== undefined && { smtpPort }), ...(webPort !== undefined && { webPort }) };
  const nothingConfigured = resolveMailProvider(env) === undefined;
  if (values.events && command !== "demo") {
    throw new UsageError("--events goes with the demo run (no command): demo --events");
  }
  if (values.queue !== undefined && command !== "demo") {
    throw new UsageError("--queue goes with the demo run (no command): demo --queue redis://127.0.0.1:6379");
  }
  if (values.events && !nothingConfigured) {
    throw new UsageError(
      "--events posts to the local inbox, which runs only when no provider is configured (unset MAIL_PROVIDER and the provider variables)",
    );
  }
  switch (command) {
    case "doctor": {
      const code = await doctor({ env, out: stdout, err: stderr, verbose });
      if (!nothingConfigured) return code;
      await checkLocalInbox(env, stdout, ports);
      return 0;
    }
    case "send": {
      if (!values.to) throw new UsageError("send needs --to <address>");
      if (!values.subject) throw new UsageError("send needs --subject <text>");
      if (values.text === undefined && values.html === undefined) {
        throw new UsageError("send needs --text <text> (or --html <html>)");
      }
      const { to, subject, text, html } = values;
      const message = { env, out: stdout, to, subject, text, html };
      if (!nothingConfigured) {
        await sendOne(message);
        return 0;
      }
      return serve(await sendToLocalInbox({ ...message, ...ports }), values.exit ?? false, context);
    }
    case "demo": {
      // --verbose: the sends traced by @posse/mail-opentelemetry, their spans printed after the run.
      const spans = values.verbose
        ? (await import("./trace/span-printer.js")).createSpanPrinter()
        : undefined;
      let run: Awaited<ReturnType<typeof runDemo>>;
      try {
        run = await runDemo({
          env,
          out: stdout,
          to: values.to,
          queue: values.queue,
          ...ports,
          ...(spans && { mailer: { hooks: spans.hooks } }),
        });
      } finally {
        spans?.print(stdout);
      }
      const completed = (run.jobs ?? []).every((job) => job.state === "completed");
      if (!run.inbox) return completed ? 0 : 1;
      if (values.events) await postSamples(run.inbox, run.receipts, stdout);
      return serve(run.inbox, values.exit ?? false, context, run.jobs);
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** Runs the demo CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], context: MainContext): Promise<number> {
  const verbose = argv.includes("--verbose") || argv.includes("-v");
  try {
    return await dispatch(argv, context, verbose);
  } catch (error) {
    reportError(error, context.stderr, { verbose });
    return error instanceof UsageError ? 2 : 1;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

async function loadProviders(): Promise<boolean> {
  try {
    await import("./providers.js");
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: a provider package failed to load: ${message}\n`);
    process.stderr.write("hint: build the workspace first (`npm run demo` does), then run again\n");
    return false;
  }
}

if (isEntryPoint() && (await loadProviders())) {
  // Ctrl-C or SIGTERM stops serving: the inbox is closed (open connections are cut after a second) and the
  // demo exits 0. A repeated signal is ignored rather than forcing exit 130: npm forwards the terminal's
  // SIGINT to its script, so one Ctrl-C arrives twice, and a non-zero exit makes npm print errors.
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const code = await main(process.argv.slice(2), {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
  });
  // The handlers stay until the process ends (they do not keep it alive), so a signal arriving late is
  // still ignored instead of killing the process.
  process.exitCode = code;
}
