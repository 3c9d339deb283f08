// The benchmark suite: posse-mail against each vendor's raw SDK, every figure a ratio (or a bound) measured
// side by side in one run. `npm run bench` at the root runs it in full, with @posse/mail-queue's crash
// soak beside the memory section, and writes the table and the profiles into BENCHMARKS.md;
// `--quick` (or BENCH_QUICK=1, `npm run bench:quick`) is the CI variant: few iterations, fails only on a
// gross regression (a ratio above 1.5), writes nothing. Exits 1 when a figure passes its bound, a stub saw
// other requests than those sent, or the soak failed.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { sdkLoadReport } from "@posse/mail-core/testing";
import { HTTP_VENDORS } from "./lib/http-vendors.mjs";
import { median, QUICK, ROOT, runChild, startStub } from "./lib/shared.mjs";
import { mergeProfiles, profileDiff } from "./profile.mjs";

if (QUICK) process.env.BENCH_QUICK = "1";
/** `--only=<id>[,<id>…]`: measure those HTTP providers' sends alone (no other section, nothing written). */
const ONLY = process.argv
  .find((arg) => arg.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
const VENDORS = ONLY === undefined ? HTTP_VENDORS : HTTP_VENDORS.filter((vendor) => ONLY.includes(vendor.id));
const began = Date.now();
const loadAtStart = loadavg();
/** Bounds of the full run; the quick run checks ratios against 1.5 only. */
const GROSS = 1.5;
/** One of issue 24's goals: an upper bound of the full run, shown as a goal. */
const goal = (value) => ({ goal: value });
/**
 * The goals of issue 24 ("never slower than the vendor's own SDK"), bounds of the full run: a send at or
 * under the raw SDK's time, sequential and 8 in flight; import + create at most 1.10x the raw SDK's import
 * + client; importing @posse/mail-core alone at most 5 ms. BENCHMARKS.md says why any one is not met.
 */
const GOAL = { send: goal(1.0), coldStart: goal(1.1), coreImportMs: goal(5) };
const rows = [];
const profiles = [];
/** Vendors whose send missed its goal in this run: the full run profiles their sends. */
const sendMissed = new Set();
const PROFILE_SENDS = 1500;

/** CPU profiles of raw and posse-mail sends to the stub, in fresh processes, compared. */
async function profileVendor(id, url) {
  const dir = mkdtempSync(join(tmpdir(), "posse-bench-profile-"));
  try {
    const load = async (kind) => {
      const out = join(dir, `${kind}.cpuprofile`);
      await runChild("profile.mjs", [kind, id, url, String(PROFILE_SENDS), out]);
      return JSON.parse(readFileSync(out, "utf8"));
    };
    return { id, baseline: "raw", ...profileDiff(await load("raw"), await load("posse"), PROFILE_SENDS) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const problems = [];

const COLD_PROFILE_STARTS = 5;

/**
 * CPU profiles of cold starts in fresh processes (`cold-start.mjs <kind> [<id>]`, sampled every 100 µs
 * from the process's start), `COLD_PROFILE_STARTS` of each kind, compared per start: `posse` against
 * `baseline` (the raw SDK's start, or a process that imports nothing).
 */
async function profileColdStart(id, baseline, posse) {
  const dir = mkdtempSync(join(tmpdir(), "posse-bench-cold-"));
  try {
    const load = async (args) => {
      const out = mkdtempSync(join(dir, `${args[0]}-`));
      for (let start = 0; start < COLD_PROFILE_STARTS; start++) {
        await runChild("cold-start.mjs", args, [
          "--experimental-import-meta-resolve",
          "--cpu-prof",
          `--cpu-prof-dir=${out}`,
          "--cpu-prof-interval=100",
        ]);
      }
      return mergeProfiles(readdirSync(out).map((file) => JSON.parse(readFileSync(join(out, file), "utf8"))));
    };
    const diff = profileDiff(await load(baseline), await load(posse), COLD_PROFILE_STARTS);
    return { id, perStart: true, starts: COLD_PROFILE_STARTS, baseline: baseline[0], ...diff };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts `npm run bench` of @posse/mail-queue; resolves with its exit code and its report lines. */
function startSoak() {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "bench"], {
      cwd: join(ROOT, "packages/mail-queue"),
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => (out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk) => (out += chunk));
    child.once("exit", (code) =>
      resolve({
        code,
        report: out
          .split("\n")
          .filter((line) => / messages, \d+ SIGKILLs|^throughput: | Tests | FAIL /.test(line)),
      }),
    );
  });
}

/** A compared profile as the lines BENCHMARKS.md shows: a send's in µs, a cold start's in ms. */
function profileLines(profile) {
  const [unit, scale] = profile.perStart ? ["ms", 1000] : ["µs", 1];
  const amount = (value, sign = false) =>
    `${sign && value >= 0 ? "+" : ""}${(value / scale).toFixed(scale === 1 ? 1 : 2)} ${unit}`;
  const per = profile.perStart ? "start" : "send";
  const heading = profile.perStart
    ? `CPU profile, ${profile.id}, ${profile.starts} fresh processes each`
    : `CPU profile, ${profile.id}, ${PROFILE_SENDS} sequential sends each after 1,000 warm-up sends`;
  return [
    `${heading}: ${profile.baseline} ${amount(profile.rawBusyUs)}, posse ${amount(profile.posseBusyUs)} busy per ${per}. Where posse-mail spends more per ${per} (posse minus ${profile.baseline}; negative: less):`,
    "",
    `- by origin: ${profile.origins.map((entry) => `${entry.name} ${amount(entry.extraUs, true)}`).join(", ")}`,
    `- by frame: ${profile.frames.map((entry) => `\`${entry.name}\` ${amount(entry.extraUs, true)}`).join(", ")}`,
    "",
  ];
}

/**
 * Records a figure; `bound` is checked as an upper bound (a ratio, microseconds, bytes or ms): a number,
 * or one of issue 24's goals ({@link GOAL}, marked as such in the table). The quick run checks only the
 * figures it is told to (`quickChecked`: the send ratios) against 1.5, the rest it prints.
 */
function figure(section, name, value, bound, format, detail = "", quickChecked = true) {
  const isGoal = typeof bound === "object";
  const limit = QUICK ? (quickChecked ? GROSS : undefined) : isGoal ? bound.goal : bound;
  const mark = isGoal && !QUICK ? " (goal)" : "";
  const ok = limit === undefined || value <= limit;
  rows.push({
    section,
    name,
    value: format(value),
    bound: limit === undefined ? "not checked" : `≤ ${format(limit)}${mark}`,
    ok,
    detail,
  });
  if (!ok) problems.push(`${name}: ${format(value)} passes its bound ${format(limit)}${mark}`);
  console.log(
    `${ok ? "ok  " : "FAIL"} ${section} · ${name}: ${format(value)} (bound ${limit === undefined ? "-" : format(limit)}${mark}) ${detail}`,
  );
}
const ratio = (value) => `${value.toFixed(2)}×`;
const us = (value) => `${value.toFixed(1)} µs`;
const ms = (value) => `${value.toFixed(1)} ms`;
const mb = (value) => `${(value / 1024 / 1024).toFixed(2)} MB`;
let sectionStarted = Date.now();
/** Prints how long the section that just ended took. */
function lap(name) {
  console.log(`  (${name}: ${((Date.now() - sectionStarted) / 1000).toFixed(1)} s)`);
  sectionStarted = Date.now();
}
function check(condition, message) {
  if (!condition) {
    problems.push(message);
    console.log(`FAIL ${message}`);
  }
}

// HTTP providers: raw SDK against posse-mail, sequential and 8 in flight, against a stub in its own process.
const stub = await startStub("vendor-stub.mjs");
try {
  for (const vendor of VENDORS) {
    let results = await runChild("http-send.mjs", [vendor.id, stub.url]);
    // The quick run measures up to twice more before it calls a ratio gross: a burst of load from other
    // processes rarely strikes three times running, a regression does. It keeps the best of each mode.
    for (let retry = 0; QUICK && retry < 2 && results.some((result) => result.pairRatio > GROSS); retry++) {
      const again = await runChild("http-send.mjs", [vendor.id, stub.url]);
      results = results.map((result, index) =>
        again[index].pairRatio < result.pairRatio ? again[index] : result,
      );
    }
    for (const result of results) {
      const { inFlight } = result;
      check(
        result.seen === result.sent && result.bad === 0,
        `${vendor.id}: the stub saw ${result.seen} requests (${result.bad} malformed) for ${result.sent} sends`,
      );
      // Keep-alive: a connection per send would measure TCP set-up, not the libraries.
      check(
        result.connections <= 4 * inFlight,
        `${vendor.id}: ${result.connections} connections for ${result.sent} sends (keep-alive is not working)`,
      );
      if (result.pairRatio > GOAL.send.goal) sendMissed.add(vendor.id);
      figure(
        "HTTP send",
        `${vendor.id}, ${inFlight === 1 ? "sequential" : "8 in flight"}`,
        result.pairRatio,
        GOAL.send,
        ratio,
        `median wall: raw ${us(result.rawUs)}, posse ${us(result.posseUs)}; CPU: raw ${us(result.rawCpuUs)}, posse ${us(result.posseCpuUs)} (${ratio(result.cpuRatio)})`,
      );
    }
  }
  // Where the extra CPU goes where a send missed its goal: a CPU profile of each side, compared (full run
  // only; --only profiles the providers named).
  const profiled = QUICK ? [] : (ONLY ?? [...sendMissed]);
  for (const id of profiled) profiles.push(await profileVendor(id, stub.url));
  // Heap figures are absolute, so the quick run (which checks ratios only) leaves the long runs out. They
  // are not timings either, so two run at once.
  const heapRuns = QUICK || ONLY ? [] : [...HTTP_VENDORS];
  // The queue's crash soak (10,000 messages, workers killed mid-run) is no timing either: it runs meanwhile
  // (its messages per second then read low), and must end before the timed sections that follow.
  const soak = heapRuns.length > 0 ? startSoak() : undefined;
  const heaps = new Map();
  const heapWorker = async () => {
    for (let vendor = heapRuns.shift(); vendor !== undefined; vendor = heapRuns.shift()) {
      heaps.set(vendor.id, await runChild("http-heap.mjs", [vendor.id, stub.url], ["--expose-gc"]));
    }
  };
  await Promise.all([heapWorker(), heapWorker()]);
  if (soak !== undefined) {
    const { code, report } = await soak;
    console.log(report.map((line) => `     soak: ${line}`).join("\n"));
    check(
      code === 0,
      `@posse/mail-queue's crash soak failed (exit ${code}); run npm run bench in packages/mail-queue`,
    );
  }
  for (const vendor of HTTP_VENDORS.filter((candidate) => heaps.has(candidate.id))) {
    const result = heaps.get(vendor.id);
    figure(
      "Memory",
      `${vendor.id}: heap growth over ${result.sends.toLocaleString("en")} sends`,
      result.heapGrowthBytes,
      2 * 1024 * 1024,
      mb,
      "SDK timers settled",
      false,
    );
  }
} finally {
  await stub.stop();
}
lap("HTTP");
if (ONLY !== undefined) {
  for (const profile of profiles) console.log(profileLines(profile).join("\n"));
  process.exit(problems.length > 0 ? 1 : 0);
}

// SMTP: posse-mail's pool against nodemailer's, and nodemailer with one connection per message.
const smtp = await startStub("smtp-stub.mjs");
try {
  const result = await runChild("smtp-send.mjs", smtp.ports.map(String));
  check(
    result.seen === result.sent && result.bad === 0,
    `smtp: the server accepted ${result.seen} messages (${result.bad} malformed) for ${result.sent} sends`,
  );
  figure(
    "SMTP",
    "pooled, time per message against pooled nodemailer",
    result.pooled.ratio,
    1.0,
    ratio,
    `raw ${us(result.pooled.rawUs)}, posse ${us(result.pooled.posseUs)} per message, 8 in flight; CPU ${ratio(result.pooled.cpuRatio)}`,
  );
  figure(
    "SMTP",
    "pooled, time per message against nodemailer with one connection per message",
    result.perMessage.ratio,
    1.0,
    ratio,
    `raw ${us(result.perMessage.rawUs)}, posse ${us(result.perMessage.posseUs)} per message`,
  );
} finally {
  await smtp.stop();
}
lap("SMTP");

// The core path through the memory provider, and its heap over many sends.
const core = await runChild("core-path.mjs", [], ["--expose-gc"]);
figure("Core", "send through the memory provider", core.perSendUs, 15, us, "median of blocks", false);
figure(
  "Memory",
  `memory provider: heap growth over ${core.heapSends.toLocaleString("en")} sends`,
  core.heapGrowthBytes,
  1024 * 1024,
  mb,
  "outbox cleared",
  false,
);

lap("core");

// Bulk (full run only): 10,000 messages per HTTP provider through sendMany, against the same messages one
// send at a time, 8 requests in flight, to a stub answering after 50 ms. Every provider and both ways at
// once, each in its own process with its own stub: the times are mostly the stub's 50 ms, not CPU, and each
// process's CPU is its own.
if (!QUICK) {
  const ways = (id) => Promise.all(["sendMany", "send"].map((way) => runChild("send-many.mjs", [id, way])));
  const bulk = await Promise.all(HTTP_VENDORS.map((vendor) => ways(vendor.id)));
  for (const [sendMany, send] of bulk) {
    const { id, count } = sendMany;
    for (const [way, run] of Object.entries({ sendMany, send })) {
      check(
        run.sent === count && run.carried === count && run.bad === 0,
        `${id} bulk: ${way} sent ${run.sent} of ${count}; the stub saw ${run.carried} messages (${run.bad} malformed requests)`,
      );
    }
    figure(
      "Bulk",
      `${id}: 10,000 messages, sendMany against one send at a time (wall)`,
      sendMany.wallMs / send.wallMs,
      1.05,
      ratio,
      `requests ${sendMany.requests.toLocaleString("en")} against ${send.requests.toLocaleString("en")}; wall ${ms(sendMany.wallMs)} against ${ms(send.wallMs)}; CPU per message ${us(sendMany.cpuUsPerMessage)} against ${us(send.cpuUsPerMessage)}`,
      false,
    );
  }
  lap("bulk");
}

// Cold start: fresh processes, alternating raw and posse-mail; each then sends once to a stub vendor.
const RUNS = QUICK ? 2 : 7;
const coldStub = await startStub("vendor-stub.mjs");
try {
  for (const vendor of HTTP_VENDORS) {
    const times = { raw: [], posse: [] };
    const firstSend = { raw: [], posse: [] };
    const measure = async (runs) => {
      for (let run = 0; run < runs; run++) {
        for (const kind of run % 2 ? ["posse", "raw"] : ["raw", "posse"]) {
          const started = await runChild(
            "cold-start.mjs",
            [kind, vendor.id, coldStub.url],
            ["--experimental-import-meta-resolve"],
          );
          times[kind].push(started.ms);
          firstSend[kind].push(started.firstSendMs);
        }
      }
    };
    await measure(RUNS);
    // The quick run prints these but does not check them: posse-mail's fixed start-up cost (import core and
    // the provider package, create the mailer: 10 to 20 ms on a loaded 2-core machine) next to a light SDK's
    // 30 to 70 ms already puts Resend and Postmark between 1.2x and 1.7x, so 1.5 could not tell a gross
    // regression from CI noise. The lazy-SDK tests of every provider catch the gross one (an SDK loaded on
    // import), and the check below catches core loading one.
    const pick = QUICK ? (values) => Math.min(...values) : median;
    const raw = pick(times.raw);
    const posse = pick(times.posse);
    const [rawSent, posseSent] = [pick(firstSend.raw), pick(firstSend.posse)];
    figure(
      "Cold start",
      `${vendor.id}: import + create a mailer`,
      posse / raw,
      GOAL.coldStart,
      ratio,
      `raw SDK import + client ${ms(raw)}, posse ${ms(posse)}; with the first send: raw ${ms(rawSent)}, posse ${ms(posseSent)} (${ratio(posseSent / rawSent)})`,
      false,
    );
    // Where a start that missed its goal goes (full run): import + create, both sides profiled.
    if (!QUICK && posse / raw > GOAL.coldStart.goal) {
      profiles.push(await profileColdStart(vendor.id, ["raw", vendor.id], ["posse", vendor.id]));
    }
  }
} finally {
  await coldStub.stop();
}
const coreTimes = [];
for (let run = 0; run < RUNS; run++)
  coreTimes.push((await runChild("cold-start.mjs", ["core"], ["--experimental-import-meta-resolve"])).ms);
figure("Cold start", "import @posse/mail-core alone", median(coreTimes), GOAL.coreImportMs, ms, "", false);
if (!QUICK && median(coreTimes) > GOAL.coreImportMs.goal) {
  // Against a process that starts the same way and imports nothing.
  profiles.push(await profileColdStart("import @posse/mail-core", ["none"], ["core"]));
}
const coreEntry = join(ROOT, "packages/mail-core/dist/index.js");
const loaded = (await sdkLoadReport({ entry: coreEntry })).afterImport.filter((url) =>
  url.includes("/node_modules/"),
);
check(loaded.length === 0, `importing @posse/mail-core loaded ${loaded.join(", ")}`);
rows.push({
  section: "Cold start",
  name: "vendor SDKs loaded by importing @posse/mail-core",
  value: String(loaded.length),
  bound: "0",
  ok: loaded.length === 0,
  detail: "",
});

lap("cold start");
const seconds = (Date.now() - began) / 1000;
const loadAtEnd = loadavg();
const load = (values) => values.map((value) => value.toFixed(2)).join(", ");
console.log(
  `\n${rows.length} figures in ${seconds.toFixed(0)} s; load average ${load(loadAtStart)} at the start, ${load(loadAtEnd)} at the end; ${cpus().length} CPUs`,
);

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->` in a file of the repository. */
function writeBetweenMarkers(path, name, lines) {
  const file = join(ROOT, path);
  const text = readFileSync(file, "utf8");
  const [open, close] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < 0) throw new Error(`${path} has no ${open} / ${close} markers`);
  writeFileSync(
    file,
    text.slice(0, start) + [open, "", ...lines, close].join("\n") + text.slice(end + close.length),
  );
  console.log(`wrote ${path}`);
}

if (!QUICK) {
  // BENCHMARKS.md shows this table under Figures, and the profiles behind it further down.
  writeBetweenMarkers("BENCHMARKS.md", "bench", [
    `Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), load average ${load(loadAtStart)} at the start and ${load(loadAtEnd)} at the end, ${seconds.toFixed(0)} s. Do not edit by hand.`,
    "",
    "| Section | Figure | Measured | Bound | | Detail |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (row) =>
        `| ${row.section} | ${row.name} | ${row.value} | ${row.bound} | ${row.ok ? "✓" : "✗"} | ${row.detail} |`,
    ),
    "",
  ]);
  writeBetweenMarkers("BENCHMARKS.md", "profile", [
    `Generated by \`npm run bench\` with the table above; do not edit by hand.`,
    "",
    ...profiles.flatMap(profileLines),
  ]);
}

if (problems.length > 0) {
  console.log(
    `\n${problems.length} figure(s) out of bounds:\n${problems.map((problem) => `- ${problem}`).join("\n")}`,
  );
  process.exitCode = 1;
}
