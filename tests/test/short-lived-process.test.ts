import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";

// A script whose only pending work is a retry wait must not exit mid-send. Each case runs the script
// in its own `node` process against a Postmark stub in yet another process, so nothing of the test
// runner holds the event loop open.

const here = (name: string) => fileURLToPath(new URL(`./process/${name}`, import.meta.url));
const stubs: ChildProcess[] = [];

afterEach(async () => {
  for (const stub of stubs.splice(0)) {
    if (stub.exitCode === null) {
      stub.kill("SIGTERM");
      await once(stub, "exit");
    }
  }
});

interface Stub {
  readonly url: string;
  /** Requests the stub has answered so far, as `METHOD path`. */
  readonly requests: string[];
}

async function startStub(mode: "503-then-200" | "always-503"): Promise<Stub> {
  const child = spawn(process.execPath, [here("postmark-stub.mjs"), mode], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  stubs.push(child);
  const requests: string[] = [];
  let buffered = "";
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`stub exited with ${code}`)));
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith("PORT ")) resolve(Number(line.slice(5)));
        if (line.startsWith("REQUEST ")) requests.push(line.slice(8));
      }
    });
  });
  return { url: `http://127.0.0.1:${port}`, requests };
}

async function runScript(script: string, stubUrl: string) {
  const child = spawn(process.execPath, [here(script)], {
    cwd: fileURLToPath(new URL(".", import.meta.url)),
    // Only what the script needs: no MAIL_PROVIDER, no proxy, nothing of the developer's own setup.
    env: {
      PATH: process.env.PATH,
      POSTMARK_API_TOKEN: "short-lived-process-token",
      MAIL_FROM_ADDRESS: "app@example.com",
      MAIL_RETRY_ATTEMPTS: "3",
      STUB_URL: stubUrl,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout: stdout.trim(), stderr };
}

const PIPE_WAIT = { timeout: 10_000 };

describe.each(["send-once.mjs", "send-once.cjs"])("a short-lived %s script", (script) => {
  it("stays alive through the retry wait and exits 0 once the second request is accepted", async () => {
    const stub = await startStub("503-then-200");
    const result = await runScript(script, stub.url);
    expect(result).toEqual({ code: 0, stdout: "SENT b7bc2f4a-e38e-4336-af7d-e6c392c2f817", stderr: "" });
    // The stub logs each request before answering it; its pipe may still be delivering the last line (up to
    // 10 s, not vi.waitFor's 1 s: a busy machine can hold this process back that long).
    await vi.waitFor(() => expect(stub.requests).toEqual(["POST /email", "POST /email"]), PIPE_WAIT);
  }, 30_000);

  it("rejects with UNAVAILABLE after MAIL_RETRY_ATTEMPTS requests and can exit 1", async () => {
    const stub = await startStub("always-503");
    const result = await runScript(script, stub.url);
    expect(result).toEqual({ code: 1, stdout: "FAILED UNAVAILABLE", stderr: "" });
    await vi.waitFor(
      () => expect(stub.requests).toEqual(["POST /email", "POST /email", "POST /email"]),
      PIPE_WAIT,
    );
  }, 30_000);
});
