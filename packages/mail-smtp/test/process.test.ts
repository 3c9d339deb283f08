// The pool keeps connections open for reuse, yet a short script that sends and never calls close() must
// exit at once, and one that awaits close() must have every connection closed. Each script runs in its
// own `node` process (from dist) against a relay in yet another process, so nothing of the test runner
// holds the event loop open.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const here = (name: string) => fileURLToPath(new URL(`./process/${name}`, import.meta.url));
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  }
});

interface Relay {
  readonly port: number;
  /** Lines the relay printed after its port: `MESSAGE`, `OPEN <n>`. */
  readonly lines: string[];
}

function readLines(child: ChildProcess, onLine: (line: string) => void): void {
  let buffered = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) onLine(line);
  });
}

async function startRelay(): Promise<Relay> {
  const child = spawn(process.execPath, [here("smtp-relay.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  const lines: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`relay exited with ${code}`)));
    readLines(child, (line) => {
      if (line.startsWith("PORT ")) resolve(Number(line.slice(5)));
      else lines.push(line);
    });
  });
  return { port, lines };
}

/**
 * Runs a script to its end; fails it if it is still running after `limitMs`: far from the 120 s a leaked idle
 * connection would hold it, and within the package's 30 s test limit, however slow a busy machine starts Node.
 */
async function runScript(script: string, port: number, limitMs = 25_000) {
  const child = spawn(process.execPath, [here(script)], {
    env: { PATH: process.env.PATH, SMTP_PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  const output: string[] = [];
  readLines(child, (line) => output.push(line));
  const killer = setTimeout(() => child.kill("SIGKILL"), limitMs);
  const [code, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  clearTimeout(killer);
  return { code, signal, output };
}

describe("a short-lived process sending through SMTP", () => {
  it.each(["send-without-close.mjs", "send-without-close.cjs"])(
    "%s exits as soon as the message is sent, without close()",
    async (script) => {
      const relay = await startRelay();
      const result = await runScript(script, relay.port);
      // Killed (SIGKILL) if an idle pooled connection had kept it alive until the 120 s timeout.
      expect(result).toMatchObject({ code: 0, signal: null });
      expect(result.output).toEqual([expect.stringMatching(/^SENT <.+>$/)]);
      expect(relay.lines.filter((line) => line === "MESSAGE")).toHaveLength(1);
    },
  );

  it("closes every connection before close() resolves", async () => {
    const relay = await startRelay();
    const result = await runScript("close-then-exit.mjs", relay.port);
    expect(result).toMatchObject({ code: 0, signal: null, output: ["CLOSED 0"] });
    expect(relay.lines.filter((line) => line === "MESSAGE")).toHaveLength(3);
  });
});
