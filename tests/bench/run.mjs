// The benchmark suite: posse-mail against each vendor's raw SDK, every figure a ratio (or a bound) measured
// side by side in one run. `npm run bench` at the root runs it in full (under five minutes) and writes the
// table into BENCHMARKS.md; `--quick` (or BENCH_QUICK=1) is the CI variant: few iterations, fails only on a
// gross regression (a ratio above 1.5), writes nothing. Exits 1 when a figure passes its bound or a stub
// saw other requests than those sent.
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { sdkLoadReport } from "@posse/mail-core/testing";
import { HTTP_VENDORS } from "./lib/http-vendors.mjs";
import { median, QUICK, ROOT, runChild, startStub } from "./lib/shared.mjs";

if (QUICK) process.env.BENCH_QUICK = "1";
const began = Date.now();
const loadAtStart = loadavg();
/** Bounds of the full run; the quick run checks ratios against 1.5 only. */
const GROSS = 1.5;
const rows = [];
const problems = [];

/** Records a figure; `bound` is checked as an upper bound (a ratio, microseconds, bytes or ms). */
function figure(section, name, value, bound, format, detail = "", isRatio = true) {
  const limit = QUICK ? (isRatio ? GROSS : undefined) : bound;
  const ok = limit === undefined || value <= limit;
  rows.push({
    section,
    name,
    value: format(value),
    bound: limit === undefined ? "not checked" : `≤ ${format(limit)}`,
    ok,
    detail,
  });
  if (!ok) problems.push(`${name}: ${format(value)} passes its bound ${format(limit)}`);
  console.log(
    `${ok ? "ok  " : "FAIL"} ${section} · ${name}: ${format(value)} (bound ${limit === undefined ? "-" : format(limit)}) ${detail}`,
  );
}
const ratio = (value) => `${value.toFixed(2)}×`;
const us = (value) => `${value.toFixed(1)} µs`;
const ms = (value) => `${value.toFixed(1)} ms`;
const mb = (value) => `${(value / 1024 / 1024).toFixed(2)} MB`;
function check(condition, message) {
  if (!condition) {
    problems.push(message);
    console.log(`FAIL ${message}`);
  }
}

// HTTP providers: raw SDK against posse-mail, sequential and 8 in flight, against a stub in its own process.
const stub = await startStub("vendor-stub.mjs");
try {
  for (const vendor of HTTP_VENDORS) {
    for (const inFlight of [1, 8]) {
      const result = await runChild("http-send.mjs", [vendor.id, stub.url, String(inFlight)]);
      check(
        result.seen === result.sent && result.bad === 0,
        `${vendor.id}: the stub saw ${result.seen} requests (${result.bad} malformed) for ${result.sent} sends`,
      );
      figure(
        "HTTP send",
        `${vendor.id}, ${inFlight === 1 ? "sequential" : "8 in flight"}`,
        result.ratio,
        1.05,
        ratio,
        `raw ${us(result.rawUs)}, posse ${us(result.posseUs)} per send`,
      );
    }
  }
  for (const vendor of HTTP_VENDORS) {
    const result = await runChild("http-heap.mjs", [vendor.id, stub.url], ["--expose-gc"]);
    figure(
      "Memory",
      `${vendor.id}: heap growth over ${result.sends.toLocaleString("en")} sends`,
      result.heapGrowthBytes,
      2 * 1024 * 1024,
      mb,
      "",
      false,
    );
  }
} finally {
  await stub.stop();
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
    `raw ${us(result.pooled.rawUs)}, posse ${us(result.pooled.posseUs)} per message, 8 in flight`,
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

// Cold start: fresh processes, alternating raw and posse-mail.
const RUNS = QUICK ? 3 : 11;
for (const vendor of HTTP_VENDORS) {
  const times = { raw: [], posse: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const kind of run % 2 ? ["posse", "raw"] : ["raw", "posse"]) {
      times[kind].push((await runChild("cold-start.mjs", [kind, vendor.id])).ms);
    }
  }
  const raw = median(times.raw);
  const posse = median(times.posse);
  figure(
    "Cold start",
    `${vendor.id}: import + create a mailer`,
    posse / raw,
    1.1,
    ratio,
    `raw SDK import + client ${ms(raw)}, posse ${ms(posse)}`,
  );
}
const coreTimes = [];
for (let run = 0; run < RUNS; run++) coreTimes.push((await runChild("cold-start.mjs", ["core"])).ms);
figure("Cold start", "import @posse/mail-core alone", median(coreTimes), 5, ms, "", false);
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

const seconds = (Date.now() - began) / 1000;
const loadAtEnd = loadavg();
const load = (values) => values.map((value) => value.toFixed(2)).join(", ");
console.log(
  `\n${rows.length} figures in ${seconds.toFixed(0)} s; load average ${load(loadAtStart)} at the start, ${load(loadAtEnd)} at the end; ${cpus().length} CPUs`,
);

if (!QUICK) {
  const table = [
    "| Section | Figure | Measured | Bound | | Detail |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (row) =>
        `| ${row.section} | ${row.name} | ${row.value} | ${row.bound} | ${row.ok ? "✓" : "✗"} | ${row.detail} |`,
    ),
  ];
  const generated = [
    "<!-- bench:start -->",
    "",
    `Generated by \`npm run bench\` (tests/bench/run.mjs); do not edit by hand. Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), load average ${load(loadAtStart)} at the start and ${load(loadAtEnd)} at the end; ${seconds.toFixed(0)} s.`,
    "",
    ...table,
    "",
    "<!-- bench:end -->",
  ].join("\n");
  const file = join(ROOT, "BENCHMARKS.md");
  const text = readFileSync(file, "utf8");
  const start = text.indexOf("<!-- bench:start -->");
  const end = text.indexOf("<!-- bench:end -->");
  if (start < 0 || end < 0) throw new Error("BENCHMARKS.md has no bench:start/bench:end markers");
  writeFileSync(file, text.slice(0, start) + generated + text.slice(end + "<!-- bench:end -->".length));
  console.log("wrote BENCHMARKS.md");
}

if (problems.length > 0) {
  console.log(
    `\n${problems.length} figure(s) out of bounds:\n${problems.map((problem) => `- ${problem}`).join("\n")}`,
  );
  process.exitCode = 1;
}
