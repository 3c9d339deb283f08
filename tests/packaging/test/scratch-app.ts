// A stranger's application in a temporary directory outside the workspace: the packed tarballs installed
// with npm (their dependencies from the registry), and small ESM, CommonJS and TypeScript files that use them.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanEnv, run } from "./run.js";
import { ROOT } from "./workspace-packages.js";

/** TypeScript module settings a user's tsconfig may have; each type-checks its own files. */
export const TYPE_MODES = {
  node16: { module: "node16", moduleResolution: "node16", files: ["check.mts", "check.cts"] },
  nodenext: { module: "nodenext", moduleResolution: "nodenext", files: ["check.mts", "check.cts"] },
  bundler: { module: "esnext", moduleResolution: "bundler", files: ["check.ts"] },
} as const;

/** Makes the app's directory (not yet installed). */
export function createScratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "posse-scratch-app-"));
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name: "posse-scratch-app", version: "0.0.0", private: true }, null, 2)}\n`,
  );
  return dir;
}

// Third-party packages the docs' snippets import, at the versions the demo uses them (docs/queue.md's
// bull-board dashboard): installed beside the tarballs so those snippets type-check against the real thing.
const SNIPPET_PACKAGES = ["@bull-board/api", "@bull-board/express"];

function manifestVersions(path: string, names: readonly string[]): string[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, path), "utf8")) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const versions = { ...manifest.dependencies, ...manifest.devDependencies };
  return names.map((name) => `${name}@${versions[name]}`);
}

/** One `npm install` of every tarball at once, plus the @types/node the workspace uses and the snippets' packages. */
export async function installTarballs(dir: string, tarballs: readonly string[]): Promise<void> {
  const [typesNode] = manifestVersions("package.json", ["@types/node"]);
  const snippetPackages = manifestVersions("apps/demo/package.json", SNIPPET_PACKAGES);
  const flags = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"];
  const result = await run("npm", ["install", ...flags, ...tarballs, typesNode!, ...snippetPackages], {
    cwd: dir,
    env: cleanEnv(),
    timeoutMs: 180_000,
  });
  if (result.code !== 0) throw new Error(`npm install failed (${result.code}):\n${result.stderr}`);
}

const IMPORTS = `const specifiers = JSON.parse(process.argv[2]);
const found = {};
for (const specifier of specifiers) found[specifier] = Object.keys(await import(specifier)).sort();
console.log(JSON.stringify(found));
`;

const REQUIRES = `const specifiers = JSON.parse(process.argv[2]);
const found = {};
for (const specifier of specifiers) found[specifier] = Object.keys(require(specifier)).sort();
console.log(JSON.stringify(found));
`;

const SEND_BODY = `  const mailer = await createMailerFromEnv();
  const smtp = await mailer.send({
    to: "Ann <ann@example.com>",
    subject: \`packaging check (\${kind})\`,
    text: "Sent from the packed tarballs.",
  });
  await mailer.close();
  const memoryMailer = await createTestMailer();
  const memory = await memoryMailer.send({ to: "bob@example.com", subject: \`memory (\${kind})\`, text: "Kept." });
  console.log(JSON.stringify({ smtp, memory, kept: memoryMailer.sent.map((message) => message.subject) }));
`;

const SEND_ESM = `import { createMailerFromEnv } from "@posse/mail-core";
import { createTestMailer } from "@posse/mail-core/testing";

const kind = "esm";
${SEND_BODY.replace(/^ {2}/gm, "")}`;

const SEND_CJS = `const { createMailerFromEnv } = require("@posse/mail-core");
const { createTestMailer } = require("@posse/mail-core/testing");

const kind = "cjs";
async function main() {
${SEND_BODY}}
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/** A TypeScript file that imports every specifier and uses the core's public types. */
function typeCheckSource(specifiers: readonly string[]): string {
  const namespaces = specifiers.map((specifier, i) => `import * as module${i} from "${specifier}";`);
  return `${namespaces.join("\n")}
import { createMailerFromEnv, isMailError, type MailMessage, type SendReceipt } from "@posse/mail-core";
import { createTestMailer } from "@posse/mail-core/testing";
import type { SmtpConfig } from "@posse/mail-smtp";

export const modules = [${specifiers.map((_, i) => `module${i}`).join(", ")}];

const message: MailMessage = { to: "Ann <ann@example.com>", subject: "Types", text: "Hello" };
// @ts-expect-error a message needs a subject: this line fails only if the types really resolved
export const incomplete: MailMessage = { to: "ann@example.com", text: "Hello" };
export const smtp: Pick<SmtpConfig, "host" | "port" | "startTls"> = { host: "127.0.0.1", port: 2525, startTls: false };

export async function send(): Promise<SendReceipt> {
  const mailer = await createMailerFromEnv();
  try {
    return await mailer.send(message);
  } catch (error) {
    if (isMailError(error)) console.error(error.code);
    throw error;
  }
}

export async function sendInTests(): Promise<number> {
  const mailer = await createTestMailer();
  await mailer.send(message);
  return mailer.sent.length;
}
`;
}

/** Writes the scripts and tsconfig files that use the installed packages. */
export function writeAppFiles(
  dir: string,
  specifiers: readonly string[],
  requirable: readonly string[],
): void {
  writeFileSync(join(dir, "imports.mjs"), IMPORTS);
  writeFileSync(join(dir, "requires.cjs"), REQUIRES);
  writeFileSync(join(dir, "send.mjs"), SEND_ESM);
  writeFileSync(join(dir, "send.cjs"), SEND_CJS);
  writeFileSync(join(dir, "check.mts"), typeCheckSource(specifiers));
  writeFileSync(join(dir, "check.ts"), typeCheckSource(specifiers));
  // A CommonJS file can only require what has a require condition.
  writeFileSync(join(dir, "check.cts"), typeCheckSource(requirable));
  for (const [mode, settings] of Object.entries(TYPE_MODES)) {
    const tsconfig = {
      compilerOptions: {
        module: settings.module,
        moduleResolution: settings.moduleResolution,
        target: "es2022",
        lib: ["es2023"],
        types: ["node"],
        strict: true,
        noEmit: true,
        // As \`tsc --init\` writes it: third-party declarations (msw's, for the testkit) are not ours to check;
        // ours are checked by attw, and the @ts-expect-error line fails if they did not resolve.
        skipLibCheck: true,
      },
      files: settings.files,
    };
    writeFileSync(join(dir, `tsconfig.${mode}.json`), `${JSON.stringify(tsconfig, null, 2)}\n`);
  }
}

/** Runs the workspace's TypeScript on one of the app's tsconfig files. */
export function typeCheck(dir: string, mode: keyof typeof TYPE_MODES) {
  return run(
    process.execPath,
    [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", `tsconfig.${mode}.json`],
    {
      cwd: dir,
      env: cleanEnv(),
      timeoutMs: 120_000,
    },
  );
}

/** Bytes and files under an installed package's own directory (its dependencies live elsewhere). */
export function installedSize(dir: string, name: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules") walk(child);
      } else {
        bytes += statSync(child).size;
        files += 1;
      }
    }
  };
  walk(join(dir, "node_modules", ...name.split("/")));
  return { bytes, files };
}
