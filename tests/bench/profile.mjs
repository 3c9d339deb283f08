// CPU profile of one side of an HTTP send benchmark: `node profile.mjs raw|posse <id> <stub url> <sends>
// <out.cpuprofile> [<in flight>]` (sequential sends unless told, after a warm-up), then `node profile.mjs --summary <file>` prints the frames
// with the most self time, grouped by where their code lives (posse-mail core, the provider package, the
// vendor SDK, Node). `mergeProfiles` joins the profiles of several fresh processes (cold starts) into one.
import { readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { pathToFileURL } from "node:url";
import { HTTP_VENDORS, posseSender } from "./lib/http-vendors.mjs";
import { runMany } from "./lib/shared.mjs";

/** Where a frame's code lives. */
function origin(url) {
  if (url === "") return "V8/native";
  if (url.includes("/mail-core/dist/")) return "posse core";
  const provider = /\/mail-([a-z-]+)\/dist\//.exec(url);
  if (provider) return `posse ${provider[1]}`;
  if (url.startsWith("node:")) return "Node";
  const sdk = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  return sdk ? sdk[1] : url.split("/").slice(-2).join("/");
}

/** Self time per frame and per origin, largest first, as percentages of the profile. */
export function summarize(profile, top = 15) {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const idle = new Set(
    profile.nodes
      .filter((node) => ["(idle)", "(program)"].includes(node.callFrame.functionName))
      .map((node) => node.id),
  );
  // Percentages of the time the process was busy: idle time waiting for the stub is left out.
  const total = [...self].reduce((sum, [id, time]) => sum + (idle.has(id) ? 0 : time), 0);
  const frames = new Map();
  const origins = new Map();
  for (const [id, time] of self) {
    if (idle.has(id)) continue;
    const { functionName, url, lineNumber } = byNode.get(id).callFrame;
    const key = `${functionName || "(anonymous)"} ${origin(url)}${url ? `:${lineNumber + 1}` : ""}`;
    frames.set(key, (frames.get(key) ?? 0) + time);
    origins.set(origin(url), (origins.get(origin(url)) ?? 0) + time);
  }
  const percent = (entries) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, time]) => ({ name, percent: (100 * time) / total }));
  return { busyMs: total / 1000, frames: percent(frames), origins: percent(origins) };
}

const main = import.meta.url === pathToFileURL(process.argv[1] ?? "").href;
if (main && process.argv[2] === "--summary") {
  const summary = summarize(JSON.parse(readFileSync(process.argv[3], "utf8")));
  console.log(`busy ${summary.busyMs.toFixed(0)} ms`);
  for (const { name, percent } of summary.origins) console.log(`${percent.toFixed(1).padStart(5)}%  ${name}`);
  console.log("");
  for (const { name, percent } of summary.frames) console.log(`${percent.toFixed(1).padStart(5)}%  ${name}`);
} else if (main) {
  // Profiled after a warm-up, through the inspector: start-up and the first, slow sends are left out.
  const [kind, id, url, count = "3000", out = "", inFlight = "1"] = process.argv.slice(2);
  const vendor = HTTP_VENDORS.find((candidate) => candidate.id === id);
  const sender = kind === "raw" ? { send: await vendor.raw(url) } : await posseSender(vendor, url);
  await runMany(sender.send, 1000, Number(inFlight));
  const session = new Session();
  session.connect();
  const post = (method, params) =>
    new Promise((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 100 });
  await post("Profiler.start");
  await runMany(sender.send, Number(count), Number(inFlight));
  const { profile } = await post("Profiler.stop");
  session.disconnect();
  await sender.mailer?.close();
  if (out !== "") writeFileSync(out, JSON.stringify(profile));
  process.stdout.write("{}\n");
}

/** Several CPU profiles as one, their samples side by side (for cold starts, one profile per process). */
export function mergeProfiles(profiles) {
  const merged = { nodes: [], samples: [], timeDeltas: [] };
  let offset = 0;
  for (const profile of profiles) {
    const shift = (id) => id + offset;
    for (const node of profile.nodes) {
      merged.nodes.push({ ...node, id: shift(node.id), children: node.children?.map(shift) });
    }
    merged.samples.push(...profile.samples.map(shift));
    merged.timeDeltas.push(...profile.timeDeltas);
    offset += Math.max(...profile.nodes.map((node) => node.id));
  }
  return merged;
}

/**
 * Where posse-mail's extra CPU per send goes: `raw` and `posse` profiles of `sends` sends each, compared
 * frame by frame and by origin (microseconds per send, posse minus raw, largest first).
 */
export function profileDiff(raw, posse, sends, top = 8) {
  const a = summarize(raw, 500);
  const b = summarize(posse, 500);
  const perSend = (summary, list) =>
    new Map(
      summary[list].map((entry) => [entry.name, ((entry.percent / 100) * summary.busyMs * 1000) / sends]),
    );
  const diff = (list) => {
    const before = perSend(a, list);
    const after = perSend(b, list);
    return [...new Set([...before.keys(), ...after.keys()])]
      .map((name) => ({
        name,
        extraUs: (after.get(name) ?? 0) - (before.get(name) ?? 0),
        posseUs: after.get(name) ?? 0,
      }))
      .sort((x, y) => y.extraUs - x.extraUs)
      .slice(0, top);
  };
  return {
    rawBusyUs: (a.busyMs * 1000) / sends,
    posseBusyUs: (b.busyMs * 1000) / sends,
    origins: diff("origins"),
    frames: diff("frames"),
  };
}
