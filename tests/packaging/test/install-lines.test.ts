// Every install line of every README.md and docs/**/*.md, run as a reader runs them: for each document, its
// lines in order, with npm, in a new app of its own. Packages of this repository come from their packed
// tarballs (they are not on the registry: named ones are replaced by their tarball, and the app's
// `overrides` send the others npm installs by itself, such as the core as a peer, to theirs), everything else
// from the npm registry as written. Each line must exit 0 with no peer-dependency or engine warning, and the
// app's tree must be valid afterwards.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeBlocks, documentPaths, readDocument } from "./documents.js";
import { type InstallLine, installLines, registryOverrides, withTarballs } from "./install-lines.js";
import { packAll } from "./pack.js";
import { cleanEnv, run } from "./run.js";
import { createScratchDir } from "./scratch-app.js";
import { packagesToCheck } from "./workspace-packages.js";

const DOCUMENTS = documentPaths()
  .map((path) => ({ path, lines: installLines(readDocument(path)) }))
  .filter((document) => document.lines.length > 0);

/** npm output that means the app did not get what the line asked for: a peer conflict, an engine mismatch. */
const MATTERS = /ERESOLVE|peer dep|Could not resolve dependency|conflicting peer|EBADENGINE/i;
/** Audit and funding requests cost a request each and change nothing that is installed. */
const NPM_ENV = cleanEnv({
  NPM_CONFIG_AUDIT: "false",
  NPM_CONFIG_FUND: "false",
  NPM_CONFIG_UPDATE_NOTIFIER: "false",
});

let packDir: string;
let tarballs: Map<string, string>;
const apps: string[] = [];
const timings: string[] = [];
/** npm's other warnings (deprecations, install scripts not yet allowed), printed at the end. */
const otherWarnings = new Set<string>();

beforeAll(async () => {
  packDir = mkdtempSync(join(tmpdir(), "posse-packed-"));
  tarballs = await packAll(packagesToCheck(), packDir);
});

afterAll(() => {
  console.log(`Install lines, one new app per document (npm):\n${timings.sort().join("\n")}`);
  if (otherWarnings.size > 0) console.log(`npm's other warnings:\n${[...otherWarnings].join("\n")}`);
  if (process.env.KEEP_SCRATCH_APP) console.log(`kept ${packDir} and ${apps.join(", ")}`);
  else for (const dir of [packDir, ...apps]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Points the app's `overrides` at the tarballs for what `args` installs, as if they were on the registry. */
function useTarballsAsRegistry(dir: string, args: readonly string[]): void {
  const path = join(dir, "package.json");
  const manifest = JSON.parse(readFileSync(path, "utf8")) as Record<
    string,
    Record<string, string> | undefined
  >;
  const direct = ["dependencies", "devDependencies", "optionalDependencies"].flatMap((field) =>
    Object.keys(manifest[field] ?? {}),
  );
  manifest.overrides = registryOverrides(args, direct, tarballs);
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Runs one line's npm commands in the app; returns what npm printed for the first one that failed or warned. */
async function runLine(dir: string, line: InstallLine): Promise<{ code: number | null; output: string }> {
  for (const args of line.commands) {
    const installs = ["install", "i", "add"].includes(args[0]!);
    if (installs) useTarballsAsRegistry(dir, args);
    const result = await run("npm", installs ? withTarballs(args, tarballs) : [...args], {
      cwd: dir,
      env: NPM_ENV,
      timeoutMs: 110_000,
    });
    const output = `${result.stdout}${result.stderr}`;
    if (result.code !== 0 || MATTERS.test(output)) return { code: result.code, output };
    for (const warning of output.match(/^npm warn .*$/gm) ?? []) otherWarnings.add(warning);
  }
  return { code: 0, output: "" };
}

describe("the install lines of the READMEs and docs", () => {
  it("are found in the documents that have them, and a placeholder is no install line", () => {
    const paths = DOCUMENTS.map((document) => document.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "README.md",
        "packages/mail-core/README.md",
        "packages/mail-opentelemetry/README.md",
      ]),
    );
    const [block] = codeBlocks("```sh\n$ npm init -y && npm pkg set type=module  # ESM\nnpm run demo\n```\n");
    const lines = installLines({ path: "x.md", blocks: [block!] });
    expect(lines).toEqual([
      {
        text: "npm init -y && npm pkg set type=module",
        line: 2,
        commands: [
          ["init", "-y"],
          ["pkg", "set", "type=module"],
        ],
      },
    ]);
    const packed = new Map([
      ["@posse/mail-core", "/p/core.tgz"],
      ["@posse/mail-smtp", "/p/smtp.tgz"],
      ["@posse/mail-queue", "/p/queue.tgz"],
    ]);
    // Named: the tarball itself. Met by npm on its own (a peer): an override. Already a dependency: neither.
    expect(withTarballs(["install", "-D", "@posse/mail-smtp@^0.1.0", "zod"], packed)).toEqual([
      "install",
      "-D",
      "/p/smtp.tgz",
      "zod",
    ]);
    expect(registryOverrides(["install", "@posse/mail-smtp@^0.1.0"], ["@posse/mail-queue"], packed)).toEqual({
      "@posse/mail-core": "file:/p/core.tgz",
    });
    expect(() => withTarballs(["install", "@posse/mail-<provider>"], packed)).toThrow(
      "@posse/mail-<provider> is not a package of this repository",
    );
  });

  it.concurrent.each(DOCUMENTS.map((document) => [document.path, document.lines] as const))(
    "%s: each line, in order, in a new app",
    async (path, lines) => {
      const dir = createScratchDir();
      apps.push(dir);
      const started = performance.now();
      for (const line of lines) {
        const result = await runLine(dir, line);
        expect(result, `${path}:${line.line}: ${line.text}`).toEqual({ code: 0, output: "" });
      }
      const tree = await run("npm", ["ls", "--all"], { cwd: dir, env: NPM_ENV });
      expect({ code: tree.code, stderr: tree.stderr }, "npm ls --all: the app's tree is valid").toEqual({
        code: 0,
        stderr: "",
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      timings.push(`${path.padEnd(40)} ${String(lines.length).padStart(2)} line(s) ${seconds.padStart(6)} s`);
    },
  );
});
