// The posse-mail-worker CLI in a real child process (Postmark pointed at the stub vendor by the preload).
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { BIN, PRELOAD } from "../process/soak.js";

/** A running CLI: its process, what it printed so far (each stream), and its exit. */
export interface Cli {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exit: Promise<{ code: number | null; signal: string | null }>;
}

/** Starts `posse-mail-worker` with only PATH and `env`. */
export function startCli(env: Record<string, string>, args: readonly string[] = []): Cli {
  const child = spawn(process.execPath, ["--import", PRELOAD, BIN, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exit = once(child, "exit").then(([code, signal]) => ({ code, signal }));
  return { child, stdout: () => stdout, stderr: () => stderr, exit: exit as Cli["exit"] };
}

/** Polls `check` every 20 ms until it holds. */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
