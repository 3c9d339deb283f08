// One HTTP provider, raw SDK against posse-mail, side by side in this process: `node http-send.mjs <id>
// <stub url> <in flight>`. Prints one JSON line: medians per send, the ratio, and whether the stub saw
// exactly the requests sent (no more, no fewer, none malformed).
import { HTTP_VENDORS, posseSender } from "./lib/http-vendors.mjs";
import { QUICK, sideBySide } from "./lib/shared.mjs";

const [id, url, inFlightText] = process.argv.slice(2);
const inFlight = Number(inFlightText);
const vendor = HTTP_VENDORS.find((candidate) => candidate.id === id);

async function stubCount() {
  const answer = await (await fetch(`${url}/__bench/count`)).json();
  return { count: answer.counts[vendor.path] ?? 0, bad: answer.bad };
}

const raw = await vendor.raw(url);
const posse = await posseSender(vendor, url);
const before = await stubCount();
const plan = QUICK
  ? { warmup: 100, pairs: 6, block: 40 * inFlight ** 0.5, inFlight }
  : { warmup: 300, pairs: 16, block: 100 * inFlight ** 0.5, inFlight };
plan.block = Math.round(plan.block);
const result = await sideBySide(raw, posse.send, plan);
const after = await stubCount();
await posse.mailer.close();
process.stdout.write(
  `${JSON.stringify({
    id,
    inFlight,
    rawUs: result.aUs,
    posseUs: result.bUs,
    ratio: result.ratio,
    sent: result.calls,
    seen: after.count - before.count,
    bad: after.bad - before.bad,
  })}\n`,
);
