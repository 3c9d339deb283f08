// `npm test`'s preflight (scripts/preflight.mjs), run in child processes with a PATH that lacks or holds the
// programs the tests start: it names each missing one and the command that installs it, before anything runs.
import { spawnSync } from "node:child_process";
import {
  accessSync,
  chmodSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "posse-preflight-"));
  dirs.push(dir);
  return dir;
}

/**
 * The first executable `name` on this process's PATH. npm and npx need not sit beside the node running the
 * tests: the `node` package from npm (`npx -y node@26`, as CI and the runtime matrix run it) ships node alone.
 */
function onPath(name: string): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  throw new Error(`${name} is not on PATH`);
}

/** A directory for PATH holding node, npm, npx and sh, plus stand-ins for the given programs. */
function binDir(programs: string[] = []): string {
  const bin = tempDir();
  symlinkSync(process.execPath, join(bin, "node"));
  for (const npm of ["npm", "npx"]) symlinkSync(onPath(npm), join(bin, npm));
  symlinkSync("/bin/sh", join(bin, "sh"));
  for (const program of programs) executable(join(bin, program));
  return bin;
}

function executable(path: string): string {
  writeFileSync(path, "#!/bin/sh\nexit 0\n");
  chmodSync(path, 0o755);
  return path;
}

/**
 * A copy of the repository's root with its real `test` script, preflight and tool list, where `setup` and
 * `check` (install, build, test) only leave a mark that they ran.
 */
function scratchRoot(): string {
  const root = tempDir();
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const mark = (name: string) => `node -e "require('fs').writeFileSync('${name}-ran', '')"`;
  const scripts = { test: manifest.scripts.test, setup: mark("setup"), check: mark("check") };
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "scratch", private: true, scripts }));
  for (const file of [
    "scripts/preflight.mjs",
    "tests/tools/package.json",
    "tests/tools/src/system-tools.js",
  ]) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    cpSync(join(ROOT, file), join(root, file));
  }
  return root;
}

/**
 * Runs with only `env`, HOME (npx's cache, which holds pnpm once `npm test` has run), the registry npm was
 * given, and npm told to take pnpm from that cache without asking the registry (this bare environment lacks
 * the machine's CA settings, and on a node from the npm registry npm does not find the machine's global
 * npmrc) and not to look for its own updates. A run that hangs fails after 20 s rather than block vitest.
 */
function run(command: string, args: string[], cwd: string, env: Record<string, string>) {
  const registry = process.env.npm_config_registry;
  const result = spawnSync(command, args, {
    cwd,
    env: {
      HOME: process.env.HOME ?? tempDir(),
      npm_config_update_notifier: "false",
      npm_config_prefer_offline: "true",
      ...(registry ? { npm_config_registry: registry } : {}),
      ...env,
    },
    encoding: "utf8",
    timeout: 20_000,
  });
  if (result.error) throw result.error;
  return { code: result.status, stderr: result.stderr };
}

const preflight = (env: Record<string, string>) =>
  run(process.execPath, [join(ROOT, "scripts", "preflight.mjs")], ROOT, env);

describe("npm test's preflight", () => {
  it("stops npm test before install, build or any test when redis-server, redis-cli and Chromium are missing", () => {
    const root = scratchRoot();
    const bin = binDir();
    const result = run(join(bin, "npm"), ["test", "--silent"], root, { PATH: bin });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      [
        "npm test needs programs this machine lacks:",
        "  - redis-server is not on PATH: the queue, OpenTelemetry and `demo --queue` tests each start one",
        "  - redis-cli is not on PATH: the queue's cluster test joins its redis-servers with it",
        "  - chromium is not on PATH and CHROMIUM_PATH is not set: the demo's browser test drives it",
        "Install on Debian with:",
        "  sudo apt-get install redis-server redis-tools chromium",
        "No test was run.",
      ].join("\n"),
    );
    expect(existsSync(join(root, "setup-ran"))).toBe(false);
    expect(existsSync(join(root, "check-ran"))).toBe(false);
  });

  it("lets npm test go on to install, build and test when all three are on PATH", () => {
    const root = scratchRoot();
    const bin = binDir(["redis-server", "redis-cli", "chromium"]);
    const result = run(join(bin, "npm"), ["test", "--silent"], root, { PATH: bin });
    expect(result).toEqual({ code: 0, stderr: "" });
    expect(existsSync(join(root, "setup-ran"))).toBe(true);
    expect(existsSync(join(root, "check-ran"))).toBe(true);
  });

  it("names only what is missing: redis-server alone", () => {
    const result = preflight({ PATH: binDir(["redis-cli", "chromium"]) });
    expect(result).toEqual({
      code: 1,
      stderr: [
        "npm test needs a program this machine lacks:",
        "  - redis-server is not on PATH: the queue, OpenTelemetry and `demo --queue` tests each start one",
        "Install on Debian with:",
        "  sudo apt-get install redis-server",
        "No test was run.",
        "",
      ].join("\n"),
    });
  });

  it("takes Chromium from CHROMIUM_PATH instead of PATH, and says when that is not an executable file", () => {
    const bin = binDir(["redis-server", "redis-cli"]);
    const elsewhere = executable(join(tempDir(), "chrome"));
    expect(preflight({ PATH: bin, CHROMIUM_PATH: elsewhere })).toEqual({ code: 0, stderr: "" });
    const wrong = join(tempDir(), "no-chrome-here");
    const result = preflight({
      PATH: binDir(["redis-server", "redis-cli", "chromium"]),
      CHROMIUM_PATH: wrong,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `  - CHROMIUM_PATH=${wrong} is not an executable file: the demo's browser test drives it\n`,
    );
  });

  it("does not take a program on PATH that is not executable", () => {
    const bin = binDir(["redis-cli", "chromium"]);
    writeFileSync(join(bin, "redis-server"), "not a program");
    expect(preflight({ PATH: bin }).stderr).toContain("  - redis-server is not on PATH:");
  });
});
