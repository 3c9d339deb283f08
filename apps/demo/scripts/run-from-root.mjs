// `npm run demo -- <args>` at the repository root runs this file with <args> exactly as typed (npm removes
// its own `--`). It installs the workspace when node_modules is older than the lockfile or a package.json,
// builds the demo and the packages it uses when any of them is older than its sources, then runs the demo
// CLI in this same process, so Ctrl-C reaches the demo directly and no package manager sits in between to
// report it. Plain JavaScript: it runs before anything is built.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const demoDir = join(root, "apps", "demo");
const cli = join(demoDir, "dist", "cli.js");

/** Modification times (ms) of `path` and, for a directory, every file below it. */
function mtimes(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return [];
  }
  if (!stat.isDirectory()) return [stat.mtimeMs];
  return readdirSync(path).flatMap((name) => mtimes(join(path, name)));
}

function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Directories of the workspace's packages (pnpm-workspace.yaml: `packages/*`, `apps/*`, `tests`). */
function workspaceDirs() {
  const patterns = [
    ...readFileSync(join(root, "pnpm-workspace.yaml"), "utf8").matchAll(/^\s+-\s+["']?([^"'\s]+)/gm),
  ];
  return patterns
    .flatMap(([, pattern]) => {
      if (!pattern.endsWith("/*")) return [join(root, pattern)];
      const parent = join(root, pattern.slice(0, -2));
      return readdirSync(parent).map((name) => join(parent, name));
    })
    .filter((dir) => mtimes(join(dir, "package.json")).length > 0);
}

function installIsCurrent(dirs) {
  const [installed] = mtimes(join(root, "node_modules", ".modules.yaml"));
  if (installed === undefined) return false;
  const inputs = [
    join(root, "pnpm-lock.yaml"),
    join(root, "package.json"),
    ...dirs.map((dir) => join(dir, "package.json")),
  ];
  return inputs.flatMap(mtimes).every((time) => time <= installed);
}

/** The demo's directory and those of the workspace packages it depends on, directly or not. */
function demoClosure(dirs) {
  const byName = new Map(dirs.map((dir) => [readJson(join(dir, "package.json")).name, dir]));
  const seen = new Set();
  const visit = (dir) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const deps = readJson(join(dir, "package.json")).dependencies ?? {};
    for (const [name, range] of Object.entries(deps)) {
      if (String(range).startsWith("workspace:") && byName.has(name)) visit(byName.get(name));
    }
  };
  visit(demoDir);
  return [...seen];
}

/** Built when every file in dist/ is newer than every input turbo's build task hashes. */
function buildIsCurrent(dirs) {
  const shared = ["tsconfig.base.json", "tsup.provider.config.ts"].flatMap((name) =>
    mtimes(join(root, name)),
  );
  return dirs.every((dir) => {
    const outputs = mtimes(join(dir, "dist"));
    if (outputs.length === 0) return false;
    const inputs = ["src", "package.json", "tsconfig.json", "tsup.config.ts"].flatMap((name) =>
      mtimes(join(dir, name)),
    );
    return Math.max(...inputs, ...shared) <= Math.min(...outputs);
  });
}

/** Runs a setup command; stops with its status (or its signal) if it fails. */
function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.error) throw result.error;
  if (result.signal) process.kill(process.pid, result.signal);
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// `packageManager` in the root package.json pins pnpm; npx fetches it (no global install needed) and puts it
// on the PATH of what it runs, where turbo looks for it.
const pnpm = ["-y", readJson(join(root, "package.json")).packageManager];
const dirs = workspaceDirs();
if (!installIsCurrent(dirs)) run("npx", [...pnpm, "install", "--frozen-lockfile"]);
if (!buildIsCurrent(demoClosure(dirs))) {
  run("npx", [
    ...pnpm,
    "exec",
    "turbo",
    "run",
    "build",
    "--filter=@posse/demo...",
    "--output-logs=errors-only",
  ]);
}
process.argv.splice(1, process.argv.length, cli, ...process.argv.slice(2));
await import(pathToFileURL(cli).href);
