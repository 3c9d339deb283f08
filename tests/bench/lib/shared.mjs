// What every benchmark shares: the message, statistics, the SDK resolver and the stub processes.
import { spawn } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The subject of every benchmark message; the stubs refuse a request without it. */
export const SUBJECT = "posse-bench sign-in link";
export const TEXT = "https://example.com/login/abc (expires in 15 minutes)";
export const FROM = "App <app@example.com>";
export const TO = "Ann <ann@example.com>";

/** True when running the short CI variant (`--quick` or BENCH_QUICK=1). */
export const QUICK = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";

/** The median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const resolved = new Map();

// Picks the file Node's ESM loader would load for `exports` under the conditions node, import, default.
function exportTarget(entry) {
  if (typeof entry === "string") return entry;
  if (entry === null || typeof entry !== "object") return undefined;
  for (const condition of ["node", "import", "default"]) {
    const target = exportTarget(entry[condition]);
    if (target !== undefined) return target;
  }
  return undefined;
}

/**
 * The URL of the vendor SDK `name` exactly as the provider package `@posse/mail-<pkg>` imports it: the
 * same installed copy (pnpm links it under the provider) and the same entry file, so the raw SDK and
 * posse-mail run one and the same code.
 */
export function sdkUrl(pkg, name) {
  const key = `${pkg} ${name}`;
  const known = resolved.get(key);
  if (known !== undefined) return known;
  // Node's own resolver, from the provider package, as an app's `import "<sdk>"` resolves it; it takes a
  // parent only with --experimental-import-meta-resolve (the cold-start runs), else the lookup below.
  if (process.execArgv.includes("--experimental-import-meta-resolve")) {
    const url = import.meta.resolve(
      name,
      pathToFileURL(join(ROOT, "packages", `mail-${pkg}`, "package.json")).href,
    );
    resolved.set(key, url);
    return url;
  }
  const dir = realpathSync(join(ROOT, "packages", `mail-${pkg}`, "node_modules", name));
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const exported =
    manifest.exports === undefined ? undefined : exportTarget(manifest.exports["."] ?? manifest.exports);
  let file = exported ?? manifest.main ?? "index.js";
  if (!/\.[cm]?js$/.test(file)) file += ".js";
  const url = pathToFileURL(join(dir, file)).href;
  resolved.set(key, url);
  return url;
}

/** Imports the vendor SDK `name` that `@posse/mail-<pkg>` uses. */
export function importSdk(pkg, name) {
  return import(sdkUrl(pkg, name));
}

/**
 * Starts `script` (in this folder's parent) as a separate process and resolves with the ports of its
 * `PORT` line;
 * `stop()` ends it with SIGTERM and waits for its exit.
 */
export async function startStub(script, args = []) {
  const file = fileURLToPath(new URL(`../${script}`, import.meta.url));
  const child = spawn(process.execPath, [file, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const ports = await new Promise((resolve, reject) => {
    let buffered = "";
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      buffered += chunk;
      const match = /PORT ([\d ]+)\n/.exec(buffered);
      if (match) resolve(match[1].trim().split(" ").map(Number));
    });
  });
  const [port] = ports;
  return {
    port,
    ports,
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
  };
}

/** Runs `count` calls of `run`, at most `inFlight` at once; resolves when all have. */
export async function runMany(run, count, inFlight) {
  if (inFlight === 1) {
    for (let i = 0; i < count; i++) await run();
    return;
  }
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started += 1;
      await run();
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
}

/**
 * Times `a` and `b` side by side: after `warmup` calls of each, `pairs` pairs of blocks of `block` calls,
 * alternating which goes first (ABBA), so load that drifts during the run weighs on both alike. Returns
 * the median wall-clock and CPU microseconds per call of each, their ratios b/a, and the median of the
 * ratios of each pair of blocks (the figure the suite checks). CPU time is this
 * process's alone (the stub runs in another), so it is what each side costs, whatever else the machine runs.
 */
export async function sideBySide(a, b, { warmup, pairs, block, inFlight }) {
  await runMany(a, warmup, inFlight);
  await runMany(b, warmup, inFlight);
  const wall = { a: [], b: [] };
  const cpu = { a: [], b: [] };
  const timeBlock = async (name, run) => {
    const started = process.hrtime.bigint();
    const cpuStarted = process.cpuUsage();
    await runMany(run, block, inFlight);
    const cpuUsed = process.cpuUsage(cpuStarted);
    wall[name].push(Number(process.hrtime.bigint() - started) / 1000 / block);
    cpu[name].push((cpuUsed.user + cpuUsed.system) / block);
  };
  for (let pair = 0; pair < pairs; pair++) {
    if (pair % 2 === 0) {
      await timeBlock("a", a);
      await timeBlock("b", b);
    } else {
      await timeBlock("b", b);
      await timeBlock("a", a);
    }
  }
  const aUs = median(wall.a);
  const bUs = median(wall.b);
  const aCpuUs = median(cpu.a);
  const bCpuUs = median(cpu.b);
  return {
    aUs,
    bUs,
    ratio: bUs / aUs,
    // Each pair's two blocks ran back to back, under much the same load from other processes: the
    // median of their ratios is the steadiest figure on a busy machine.
    pairRatio: median(wall.b.map((time, pair) => time / wall.a[pair])),
    aCpuUs,
    bCpuUs,
    cpuRatio: bCpuUs / aCpuUs,
    calls: 2 * (warmup + pairs * block),
  };
}

/** Heap in use after two full collections (needs --expose-gc). */
export async function settledHeap() {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    globalThis.gc();
  }
  return process.memoryUsage().heapUsed;
}

/** Runs a bench script of this folder in a fresh Node process and resolves with its JSON output. */
export function runChild(script, args = [], nodeArgs = []) {
  const file = fileURLToPath(new URL(`../${script}`, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--no-warnings", ...nodeArgs, file, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
      cwd: dirname(file),
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => (out += chunk));
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`${script} ${args.join(" ")} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").at(-1)));
      } catch (error) {
        reject(new Error(`${script} printed no result: ${out.slice(-500)}`, { cause: error }));
      }
    });
  });
}
