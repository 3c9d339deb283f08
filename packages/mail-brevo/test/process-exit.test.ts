// A failed send must not hold the process open. The Brevo SDK arms a timer for its own timeout and clears
// it only when fetch resolves, so a refused connection used to keep a script alive for the whole timeout.
// Run in a real child process (the built package), where only that timer could keep the loop alive.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { closedPort } from "@posse/mail-core/testing";
import { describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const TIMEOUT_MS = 20_000;

function script(port: number): string {
  return `
import { createMailer } from "@posse/mail-core";
import { brevoProvider } from "./dist/index.js";
const mailer = await createMailer({
  from: "app@example.com",
  timeoutMs: ${TIMEOUT_MS},
  retry: { attempts: 1 },
  providers: { definition: brevoProvider, config: { apiKey: "xkeysib-exit", endpoint: "http://127.0.0.1:${port}/v3" } },
});
const error = await mailer.send({ to: "ann@example.com", subject: "Hi", text: "Hi" }).catch((e) => e);
console.log(error.code);
`;
}

describe("a failed send in a short-lived process", () => {
  it("lets the process exit at once, not after the timeout", async () => {
    const port = await closedPort();
    const started = Date.now();
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ["--input-type=module", "-e", script(port)],
        { cwd: packageDir, timeout: TIMEOUT_MS * 2 },
        (error, out) => (error ? reject(error) : resolve(out)),
      );
    });
    expect(stdout.trim()).toBe("NETWORK");
    // Node starts and loads the SDK in well under a second; the leaked timer held it for TIMEOUT_MS.
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS / 2);
  }, 60_000);
});
