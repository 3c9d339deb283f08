#!/usr/bin/env node
// CI: a change to a published package must come with a changeset that releases that package.
//
// Base: $CHANGESET_BASE when set (a pull-request build can pass origin/main); otherwise the last release, i.e.
// the last commit that wrote a packages/*/CHANGELOG.md (what `changeset version` does), which a fresh clone of
// main has without any tag or remote branch; before the first release, the repository's first commit. In a
// shallow clone that history is missing, so the check says so and skips rather than compare with a wrong base.
//
// Runs `changeset status --since=<base>` (fails when packages changed and no changeset was added at all), then
// checks each package: a published package whose files matching changedFilePatterns in .changeset/config.json
// changed since the base must be released by one of the changesets added since the base.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const git = (...args) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();

function findBase() {
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: run by .ci/run, not by a turbo task
  const override = process.env.CHANGESET_BASE;
  if (override) return { ref: override, why: "CHANGESET_BASE" };
  if (git("rev-parse", "--is-shallow-repository") === "true") return undefined;
  const release = git("log", "-1", "--format=%H", "--", "packages/*/CHANGELOG.md");
  if (release) return { ref: release, why: "the last release (last commit writing a CHANGELOG.md)" };
  const first = git("rev-list", "--max-parents=0", "HEAD").split("\n").at(-1);
  return { ref: first, why: "the first commit (nothing released yet)" };
}

/** Does `file` (relative to its package) match one of the patterns ("dir/**" or a file name)? */
function matches(file, patterns) {
  return patterns.some((pattern) => {
    if (pattern === "**") return true;
    if (pattern.endsWith("/**")) return file.startsWith(pattern.slice(0, -2));
    if (/[*?[\]{}]/.test(pattern)) throw new Error(`unsupported changedFilePatterns entry ${pattern}`);
    return file === pattern;
  });
}

const base = findBase();
if (!base) {
  console.log(
    "changesets: shallow clone, no history to compare with; set CHANGESET_BASE or fetch it. Skipped.",
  );
  process.exit(0);
}
console.log(`changesets: comparing with ${base.ref} (${base.why})`);

/** Runs the checks, writing changeset status to `statusFile`; returns the exit code. */
function check(statusFile) {
  const changeset = join(ROOT, "node_modules", ".bin", "changeset");
  const status = spawnSync(changeset, ["status", `--since=${base.ref}`, `--output=${statusFile}`], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (status.status !== 0) return status.status ?? 1;
  const released = new Set(
    JSON.parse(readFileSync(statusFile, "utf8"))
      .releases.filter((release) => release.type !== "none")
      .map((release) => release.name),
  );

  const config = JSON.parse(readFileSync(join(ROOT, ".changeset", "config.json"), "utf8"));
  const patterns = config.changedFilePatterns ?? ["**"];
  const changed = [
    ...git("diff", "--name-only", base.ref).split("\n"),
    ...git("ls-files", "--others", "--exclude-standard").split("\n"),
  ].filter(Boolean);
  const missing = new Map();
  for (const file of changed) {
    const [top, dir, ...rest] = file.split("/");
    if (top !== "packages" || !dir || rest.length === 0) continue;
    const manifestPath = join(ROOT, "packages", dir, "package.json");
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    if (manifest.private || released.has(manifest.name) || !matches(rest.join("/"), patterns)) continue;
    missing.set(manifest.name, [...(missing.get(manifest.name) ?? []), file]);
  }
  if (missing.size > 0) {
    console.error("changesets: these published packages changed but no changeset releases them:");
    for (const [name, files] of missing)
      console.error(`  ${name}: ${files.slice(0, 3).join(", ")}${files.length > 3 ? ", …" : ""}`);
    console.error("Add one with `npx -y pnpm@10.34.9 changeset` (see CONTRIBUTING.md).");
    return 1;
  }
  console.log(
    `changesets: every changed published package is released by a changeset (${released.size} in the plan).`,
  );
  return 0;
}

const out = mkdtempSync(join(tmpdir(), "posse-changesets-"));
try {
  process.exitCode = check(join(out, "status.json"));
} finally {
  rmSync(out, { recursive: true, force: true });
}
