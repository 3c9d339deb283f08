import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startRedis } from "@posse/test-tools";
import { describe, expect, it } from "vitest";
import { envWithoutMail } from "./helpers.js";

// The commands the docs show, run exactly as written: through a shell and npm, from the repository root.
const root = fileURLToPath(new URL("../../../", import.meta.url));

/** Folders no documentation lives in (installed, built or generated files). */
const NOT_DOCS = new Set(["node_modules", ".git", "dist", ".turbo", "test-results"]);

/** Every README.md of the repository and every Markdown file under docs/, relative to the root. */
function docFiles(dir = ""): string[] {
  return readdirSync(`${root}${dir}`, { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory()) return NOT_DOCS.has(entry.name) ? [] : docFiles(`${path}/`);
    const isDoc = entry.name === "README.md" || (path.startsWith("docs/") && entry.name.endsWith(".md"));
    return isDoc ? [path] : [];
  });
}

/** The `npm run …` commands a Markdown text shows: lines of its shell blocks, and inline code. */
function npmRunCommands(text: string): string[] {
  const lines = [...text.matchAll(/^(npm run\b.*?)\s*(?:#.*)?$/gm)].map((match) => match[1]!);
  const inline = [...text.matchAll(/`(npm run\b[^`]*)`/g)].map((match) => match[1]!);
  return [...lines, ...inline];
}

/** A user's shell: no mail or provider variables, and nothing a package manager or test runner set. */
function userShellEnv(): Record<string, string> {
  const env = envWithoutMail();
  const foreign =
    /^(MAIL_|AWS_|SMTP_|RESEND_|MAILGUN_|POSTMARK_|SENDGRID_|BREVO_|MAILJET_|npm_|pnpm_|turbo_|vitest)/i;
  for (const name of Object.keys(env)) {
    if (foreign.test(name) || name === "NODE_ENV" || name === "INIT_CWD") delete env[name];
  }
  return env;
}

interface Run {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Resolves once the combined output contains `needle`. */
  readonly waitFor: (needle: string) => Promise<void>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `command`, exactly as written, as a terminal's shell runs a foreground job: in a process group of
 * its own, the shell itself replaced by the command (`exec`), so the group is what Ctrl-C reaches.
 */
function start(command: string): Run {
  const child = spawn("sh", ["-c", `exec ${command}`], { cwd: root, env: userShellEnv(), detached: true });
  let output = "";
  const waiters: { needle: string; resolve: () => void }[] = [];
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const waiter of [...waiters]) {
      if (output.includes(waiter.needle)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => output,
    waitFor: (needle) =>
      new Promise<void>((resolve, reject) => {
        if (output.includes(needle)) return resolve();
        waiters.push({ needle, resolve });
        exit.then(() => reject(new Error(`exited before printing "${needle}":\n${output}`)));
      }),
    exit,
  };
}

/** What npm or pnpm print when a script fails or is interrupted. */
const PACKAGE_MANAGER_ERRORS = /npm (error|ERR!)|ELIFECYCLE|Command failed|signal SIGINT|unknown command/i;

/** Presses Ctrl-C: SIGINT to every process of the job's group. */
function pressCtrlC(run: Run): void {
  process.kill(-run.child.pid!, "SIGINT");
}

/**
 * How a job stopped by Ctrl-C may end without an error: exit 0, or killed by SIGINT itself (the shell shows
 * nothing). npm ends the second way: its script shell (`sh`) dies of the terminal's SIGINT while the demo
 * closes its inbox and exits 0, and npm then re-raises SIGINT on itself instead of reporting a failure.
 */
const QUIET_STOPS = [
  { code: 0, signal: null },
  { code: null, signal: "SIGINT" },
];

const inboxUrl = (output: string) => /\nInbox: (http:\S+)/.exec(output)?.[1];

const TESTED = [
  "npm run demo",
  "npm run demo -- --exit",
  "npm run demo -- --events",
  "npm run demo -- --verbose --exit",
  "npm run demo -- doctor",
  'npm run demo -- send --to ann@example.com --subject "Hello" --text "Hi Ann"',
  "npm run demo -- --help",
  "npm run demo -- --queue redis://127.0.0.1:6379",
];

describe("the docs' npm run commands, from the repository root", () => {
  it("are all run by this file: every one that a README.md or a docs/ guide shows", () => {
    const files = docFiles();
    expect(files).toEqual(expect.arrayContaining(["README.md", "apps/demo/README.md", "docs/queue.md"]));
    const shown = files.flatMap((file) =>
      npmRunCommands(readFileSync(`${root}${file}`, "utf8")).map((command) => ({ file, command })),
    );
    expect(shown.length).toBeGreaterThan(0);
    for (const { file, command } of shown) expect(TESTED, `${file} shows \`${command}\``).toContain(command);
  });

  it("npm run demo -- --exit: sends three e-mails to the local inbox, lists them and exits 0", async () => {
    const run = start("npm run demo -- --exit");
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.output()).not.toMatch(PACKAGE_MANAGER_ERRORS);
    expect(run.output()).toContain("The inbox received 3 messages:");
    expect(run.output()).toContain('#1 "Your POSSE Party sign-in link" → ada@localhost.test\n');
  });

  it("npm run demo -- --verbose --exit: also prints the OpenTelemetry spans of the three sends", async () => {
    const run = start("npm run demo -- --verbose --exit");
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.output()).not.toMatch(PACKAGE_MANAGER_ERRORS);
    expect(run.output()).toContain("OpenTelemetry spans of the 3 sends (@posse/mail-opentelemetry):\n");
    expect(run.output().match(/\n {4}send mail \(.* posse_mail\.outcome=sent /g)).toHaveLength(3);
    expect(run.output().match(/\n {6}└ send mail smtp \(/g)).toHaveLength(3);
    expect(run.output()).toContain("The inbox received 3 messages:");
  });

  it("npm run demo -- --help: prints the usage", async () => {
    const run = start("npm run demo -- --help");
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.output()).toContain("Usage: demo [command] [options]");
  });

  it("npm run demo -- doctor: with nothing configured, checks the local inbox the demo uses and exits 0", async () => {
    const run = start("npm run demo -- doctor");
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.output()).not.toMatch(PACKAGE_MANAGER_ERRORS);
    expect(run.output()).toContain("Chosen: nothing.");
    expect(run.output()).toMatch(/Verifying smtp against the local inbox \(127\.0\.0\.1:\d+\)… ok/);
  });

  it("npm run demo -- send …: with nothing configured, delivers to the local inbox and serves it until Ctrl-C", async () => {
    const run = start('npm run demo -- send --to ann@example.com --subject "Hello" --text "Hi Ann"');
    await run.waitFor("Serving until Ctrl-C.");
    expect(run.output()).toMatch(
      /Sending "Hello" to ann@example\.com through smtp… sent via smtp\nid <[^>]+>\n/,
    );
    const page = await (await fetch(inboxUrl(run.output())!)).text();
    expect(page).toContain("Hello");
    pressCtrlC(run);
    expect(QUIET_STOPS).toContainEqual(await run.exit);
    expect(run.output()).toContain("Stopping the local inbox.");
    expect(run.output()).not.toMatch(PACKAGE_MANAGER_ERRORS);
  });

  it("npm run demo -- --events: posts a signed event of each vendor that the inbox shows with its message", async () => {
    const run = start("npm run demo -- --events");
    await run.waitFor("Serving until Ctrl-C.");
    const accepted = run.output().match(/^ {2}POST \/webhooks\/\S+ +.*… 200 accepted$/gm) ?? [];
    expect(accepted).toHaveLength(7);
    expect(run.output()).toContain(
      "  POST /webhooks/resend      forged email.clicked of #3 (body changed after signing)… 401 refused\n",
    );
    const page = await (await fetch(new URL("messages/1", inboxUrl(run.output())!))).text();
    const timeline = page.slice(page.indexOf('data-testid="timeline"'), page.indexOf("</table>"));
    expect([...timeline.matchAll(/<td>(amazon_ses|postmark|resend)<\/td>/g)].map((m) => m[1])).toEqual([
      "amazon_ses",
      "postmark",
      "resend",
    ]);
    pressCtrlC(run);
    expect(QUIET_STOPS).toContainEqual(await run.exit);
    expect(run.output()).not.toMatch(PACKAGE_MANAGER_ERRORS);
  });

  it("npm run demo -- --queue redis://…: the e-mails go through the queue and a worker; the page shows each job completed", async () => {
    // The README's command exactly as written, with its port (Redis's default) replaced by the port of this
    // test's own redis-server, so it neither needs nor touches a Redis the machine may run on 6379.
    const redis = await startRedis();
    try {
      const run = start(`npm run demo -- --queue redis://127.0.0.1:6379`.replace(":6379", `:${redis.port}`));
      await run.waitFor("Serving until Ctrl-C.");
      expect(
        run.output().match(/^ {2}job \S+ \(.+\): completed after 1 attempt, via smtp, id <[^>]+>$/gm),
      ).toHaveLength(3);
      const page = await (await fetch(inboxUrl(run.output())!)).text();
      expect(page.match(/<tr data-job-state="completed">/g)).toHaveLength(3);
      pressCtrlC(run);
      expect(QUIET_STOPS).toContainEqual(await run.exit);
      expect(run.output()).toContain("Stopping the local inbox.");
      expect(run.output()).not.toMatch(PACKAGE_MANAGER_ERRORS);
    } finally {
      await redis.stop();
    }
  });

  it("npm run demo: serves the inbox; Ctrl-C closes it, with no package-manager error", async () => {
    const run = start("npm run demo");
    await run.waitFor("Serving until Ctrl-C.");
    const url = inboxUrl(run.output())!;
    expect((await fetch(url)).status).toBe(200);
    pressCtrlC(run);
    expect(QUIET_STOPS).toContainEqual(await run.exit);
    expect(run.output()).toContain("Stopping the local inbox.");
    expect(run.output()).not.toMatch(PACKAGE_MANAGER_ERRORS);
    await expect(fetch(url)).rejects.toThrow();
  });
});
