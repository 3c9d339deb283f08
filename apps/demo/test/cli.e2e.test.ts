import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { envWithoutMail } from "./helpers.js";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

function run(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: appDir, env }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build the demo first (turbo's test task does)`);
});

describe("dist/cli.js, as `npm run demo` runs it", () => {
  it("with no mail variables: sends three e-mails into the local inbox, lists them and exits 0", async () => {
    const { code, stdout, stderr } = await run(["--exit"], envWithoutMail());
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const sent = stdout.split("\n").filter((line) => / sent via smtp, id <[^>]+>$/.test(line));
    expect(sent).toHaveLength(3);
    expect(stdout).toMatch(
      /Starting the local inbox… SMTP on 127\.0\.0\.1:\d+, web on http:\/\/127\.0\.0\.1:\d+\//,
    );
    expect(stdout).toMatch(/\nInbox: http:\/\/127\.0\.0\.1:\d+\/\n/);
    expect(stdout).toContain("The inbox received 3 messages:");
    expect(stdout).toContain('#1 "Your POSSE Party sign-in link" → ada@localhost.test\n');
    expect(stdout).toContain('#2 "Your LinkedIn connection expires in 3 days" → ada@localhost.test\n');
    expect(stdout).toContain(
      '#3 "[POSSE Party] PublishError in POST /posts/42/syndicate?network=linkedin" → ada@localhost.test [stack-trace-req_7f3a9c.txt]\n',
    );
  });

  it("doctor with nothing configured: shows the table, then verifies the local inbox the demo uses", async () => {
    const { code, stdout } = await run(["doctor"], envWithoutMail());
    expect(stdout).toContain("Chosen: nothing.");
    // The CLI imports every provider package, so each shows its own definition.
    expect(stdout).toMatch(/\nmailjet +Mailjet +no +MAILJET_API_KEY missing, MAILJET_API_SECRET missing\n/);
    expect(stdout).toMatch(/\nVerifying smtp against the local inbox \(127\.0\.0\.1:\d+\)… ok\n$/);
    expect(code).toBe(0);
  });

  it("Ctrl-C under npm (SIGINT to the group, then npm's forwarded copy): closes the inbox and exits 0", async () => {
    const child = spawn(process.execPath, [cli], { cwd: appDir, env: envWithoutMail(), detached: true });
    let stdout = "";
    let stderr = "";
    const printed = (needle: string) =>
      new Promise<void>((resolve) => {
        const check = () => stdout.includes(needle) && resolve();
        check();
        child.stdout.on("data", check);
      });
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    await printed("Serving until Ctrl-C.");
    // An SMTP client still connected: closing waits for it (up to a second), so the second signal is sure
    // to arrive while the demo is still stopping.
    const port = Number(/SMTP on 127\.0\.0\.1:(\d+)/.exec(stdout)![1]);
    const client = connect(port, "127.0.0.1");
    await new Promise((resolve) => client.once("data", resolve));
    process.kill(-child.pid!, "SIGINT");
    await printed("Stopping the local inbox.");
    process.kill(child.pid!, "SIGINT");
    expect(await exit).toBe(0);
    client.destroy();
    expect(stdout).toMatch(/Serving until Ctrl-C\.\nStopping the local inbox\.\n$/);
    expect(stderr).toBe("");
  });
});
