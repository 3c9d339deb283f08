// Code run with `node -e`, `node -p` or from stdin has no entry module to find provider packages from. The
// CONFIG error says so and how to fix it, rather than calling an installed package "not installed", and a
// package in the working directory is never loaded, even when an argument follows the code. Real child
// processes against the built core.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const CORE_ROOT = fileURLToPath(new URL("..", import.meta.url));
const ENV = { MAIL_PROVIDER: "postmark", POSTMARK_API_TOKEN: "p", MAIL_FROM_ADDRESS: "app@example.com" };
const NOT_LOOKED_FOR =
  'MAIL_PROVIDER=postmark: @posse/mail-postmark was not looked for: with no entry module (node -e, node -p, stdin, a REPL, a bundled Worker) there is no directory to find provider packages from, and none is loaded from the working directory; import "@posse/mail-postmark" yourself before createMailerFromEnv, or run your code from a file';

let app: string;
const marker = () => join(app, "postmark-loaded");

// app/node_modules holds the built core and a @posse/mail-postmark that leaves a marker file when loaded.
beforeAll(async () => {
  app = await mkdtemp(join(tmpdir(), "posse-no-entry-"));
  const modules = join(app, "node_modules", "@posse");
  await cp(join(CORE_ROOT, "dist"), join(modules, "mail-core", "dist"), { recursive: true });
  await cp(join(CORE_ROOT, "package.json"), join(modules, "mail-core", "package.json"));
  const provider = join(modules, "mail-postmark");
  await mkdir(provider, { recursive: true });
  await writeFile(
    join(provider, "package.json"),
    JSON.stringify({ name: "@posse/mail-postmark", type: "module", main: "index.mjs" }),
  );
  await writeFile(
    join(provider, "index.mjs"),
    `import { writeFileSync } from "node:fs";
import * as core from "@posse/mail-core/provider";
writeFileSync(${JSON.stringify(marker())}, "loaded");
core.registerProvider(core.defineProvider({
  ...core.builtinProvider("postmark"),
  configFromEnv: () => ({}),
  create: () => ({ async send() { return { messageId: "sent-by-the-app" }; }, async verify() {} }),
}));`,
  );
});
beforeEach(() => rm(marker(), { force: true }));
afterAll(() => rm(app, { recursive: true, force: true }));

const report = `.then(
  () => console.log(JSON.stringify({ built: true })),
  (error) => console.log(JSON.stringify({ code: error.code, message: error.message })),
)`;
const CJS = `const { createMailerFromEnv } = require("@posse/mail-core");
createMailerFromEnv({ env: ${JSON.stringify(ENV)} })${report};`;
const ESM = `import { createMailerFromEnv } from "@posse/mail-core";
await createMailerFromEnv({ env: ${JSON.stringify(ENV)} })${report};`;

/** Runs node with `args` in the app directory, `stdin` piped in, and parses what it printed. */
function run(args: readonly string[], stdin?: string): Promise<unknown> {
  const env = { ...process.env };
  delete env.NODE_PATH;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, args, { cwd: app, env }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout));
    });
    child.stdin?.end(stdin ?? "");
  });
}

describe("without an entry module, the error says why the provider package was not found", () => {
  it.each([
    ["node -e", ["-e", CJS]],
    ["node --input-type=module -e", ["--input-type=module", "-e", ESM]],
    ["node -e with an argument after the code", ["-e", CJS, "node_modules"]],
    ["node --eval=… (ES module)", ["--input-type=module", `--eval=${ESM}`]],
  ])("%s", async (_, args) => {
    expect(await run(args)).toEqual({ code: "CONFIG", message: NOT_LOOKED_FOR });
    expect(existsSync(marker())).toBe(false);
  });

  it("node - (code on stdin), with an argument", async () => {
    expect(await run(["-", "node_modules"], CJS)).toEqual({ code: "CONFIG", message: NOT_LOOKED_FOR });
    expect(existsSync(marker())).toBe(false);
  });

  it("the fix it names works: import the provider package first", async () => {
    const source = `import "@posse/mail-postmark";\n${ESM}`;
    expect(await run(["--input-type=module", "-e", source])).toEqual({ built: true });
    expect(existsSync(marker())).toBe(true);
  });
});
