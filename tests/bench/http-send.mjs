// One HTTP provider, raw SDK against posse-mail: `node http-send.mjs <id> <stub url>`. Each side runs in
// its own process (http-side.mjs); this one has them send in alternating blocks, sequential and then 8 in
// flight, and prints one JSON line: per mode the medians per send (wall clock and CPU of the side's own
// process), their ratios, the connections the stub saw opened, and whether it saw exactly the requests
// sent (no more, no fewer, none malformed).
import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { HTTP_VENDORS } from "./lib/http-vendors.mjs";
import { median, QUICK } from "./lib/shared.mjs";

const [id, url] = process.argv.slice(2);
const vendor = HTTP_VENDORS.find((candidate) => candidate.id === id);
const sideScript = fileURLToPath(new URL("./http-side.mjs", import.meta.url));

async function stubCount() {
  const answer = await (await fetch(`${url}/__bench/count`)).json();
  return { count: answer.counts[vendor.path] ?? 0, bad: answer.bad, connections: answer.connections };
}

/** Starts one side; `run(count, inFlight)` resolves with its per-send times. */
async function startSide(kind) {
  const child = fork(sideScript, [kind, id, url], { execArgv: ["--no-warnings"], stdio: "inherit" });
  const [ready] = await once(child, "message");
  if (!ready.ready) throw new Error(`${kind} side did not start`);
  return {
    async run(count, inFlight) {
      child.send({ count, inFlight });
      const [result] = await once(child, "message");
      return result;
    },
    async close() {
      child.send({ close: true });
      await once(child, "exit");
    },
  };
}

const sides = { raw: await startSide("raw"), posse: await startSide("posse") };
const results = [];
for (const inFlight of [1, 8]) {
  const before = await stubCount();
  // Both sides warm up first: the first thousand sends of a fresh process run several times slower.
  const { warmup, pairs, block } = QUICK
    ? { warmup: 150, pairs: 6, block: Math.round(30 * inFlight ** 0.5) }
    : { warmup: 800, pairs: 8, block: Math.round(100 * inFlight ** 0.5) };
  await sides.raw.run(warmup, inFlight);
  await sides.posse.run(warmup, inFlight);
  const times = { raw: [], posse: [] };
  for (let pair = 0; pair < pairs; pair++) {
    // ABBA: load that drifts during the run weighs on both sides alike.
    for (const kind of pair % 2 === 0 ? ["raw", "posse"] : ["posse", "raw"]) {
      times[kind].push(await sides[kind].run(block, inFlight));
    }
  }
  const after = await stubCount();
  const wall = (kind) => times[kind].map((time) => time.wallUs);
  const cpu = (kind) => times[kind].map((time) => time.cpuUs);
  results.push({
    id,
    inFlight,
    rawUs: median(wall("raw")),
    posseUs: median(wall("posse")),
    ratio: median(wall("posse")) / median(wall("raw")),
    // Each pair's two blocks ran back to back, under much the same load from other processes: the
    // median of their ratios is the steadiest figure on a busy machine, and the one checked.
    pairRatio: median(wall("posse").map((time, pair) => time / wall("raw")[pair])),
    rawCpuUs: median(cpu("raw")),
    posseCpuUs: median(cpu("posse")),
    cpuRatio: median(cpu("posse")) / median(cpu("raw")),
    connections: after.connections - before.connections,
    sent: 2 * (warmup + pairs * block),
    seen: after.count - before.count,
    bad: after.bad - before.bad,
  });
}
await Promise.all([sides.raw.close(), sides.posse.close()]);
process.stdout.write(`${JSON.stringify(results)}\n`);
