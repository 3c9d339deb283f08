#!/usr/bin/env node
// The runtime matrix: every package's tests (`turbo run test`) again under each Node major in turn, on the
// dist the build already made. Each leg puts that Node (from the `node` package on npm, through npx) first
// on PATH, so vitest, npm and every child process the tests start run on it. Legs run one after another:
// the suite already uses both cores of a CI machine. Prints what each leg cost; exits 1 if any failed.
// .ci/run runs it for 24 and 26 after `npm test`, which ran on 22.
//
//   node scripts/test-matrix.mjs            # Node 22, 24 and 26
//   node scripts/test-matrix.mjs 24 26      # only these
import { spawnSync } from "node:child_process";
import { delimiter, dirname } from "node:path";

const PNPM = "pnpm@10.34.9";
const versions = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["22", "24", "26"];

/** The path of the newest `node@<major>` binary, fetched by npx into its cache. */
function nodeBinary(major) {
  const found = spawnSync("npx", ["-y", `node@${major}`, "-p", "process.execPath"], { encoding: "utf8" });
  if (found.status !== 0) throw new Error(`npx -y node@${major} failed:\n${found.stderr}`);
  return found.stdout.trim();
}

// npm looks for its global npmrc next to the node running it; every leg keeps the one npm reads here.
const NPM_CONFIG_GLOBALCONFIG = spawnSync("npm", ["config", "get", "globalconfig"], {
  encoding: "utf8",
}).stdout.trim();

/** Runs one leg; returns its result for the summary. */
function runLeg(major) {
  const binary = nodeBinary(major);
  const PATH = `${dirname(binary)}${delimiter}${process.env.PATH}`;
  const env = { ...process.env, PATH, NPM_CONFIG_GLOBALCONFIG };
  const version = spawnSync("node", ["--version"], { env, encoding: "utf8" }).stdout.trim();
  console.log(`--- test matrix: Node ${version}: turbo run test`);
  const started = Date.now();
  // --only: the build is done and its dist shared by every leg; --force: a test result cached by turbo
  // (whose hash does not include the Node version) must not stand in for this leg's run; --continue: one
  // package's failure does not stop the others, so a leg reports every failure at once.
  const run = spawnSync(
    "npx",
    [
      "-y",
      PNPM,
      "exec",
      "turbo",
      "run",
      "test",
      "--only",
      "--force",
      "--continue",
      "--output-logs=errors-only",
    ],
    { env, stdio: "inherit" },
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  const passed = run.status === 0;
  console.log(`--- test matrix: Node ${version} ${passed ? "passed" : "FAILED"} in ${seconds} s`);
  return { version, seconds, passed };
}

const results = versions.map(runLeg);
console.log("--- test matrix summary");
for (const { version, seconds, passed } of results) {
  console.log(`  Node ${version.padEnd(9)} ${passed ? "passed" : "FAILED"}  ${seconds} s`);
}
if (results.some((result) => !result.passed)) process.exit(1);
