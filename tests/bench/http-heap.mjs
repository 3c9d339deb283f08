// Heap growth of posse-mail over many sends through one HTTP provider: `node --expose-gc http-heap.mjs <id>
// <stub url>`. After a warm-up, the heap is measured (after full collections), the sends run 8 at a time,
// then the SDK's own timers are given time to settle before it is measured again. Prints one JSON line.
import { setTimeout as sleep } from "node:timers/promises";
import { HTTP_VENDORS, posseSender } from "./lib/http-vendors.mjs";
import { QUICK, runMany, settledHeap } from "./lib/shared.mjs";

const [id, url] = process.argv.slice(2);
const vendor = HTTP_VENDORS.find((candidate) => candidate.id === id);
const SENDS = QUICK ? 1_000 : 10_000;
// Timers the SDKs arm per request (Postmark: its own timeout, in whole seconds of the mailer's) fire or
// are cleared within this long after the last answer.
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 1_500);

const { mailer, send } = await posseSender(vendor, url);
await runMany(send, 500, 8);
await sleep(SETTLE_MS);
const before = await settledHeap();
await runMany(send, SENDS, 8);
await sleep(SETTLE_MS);
const after = await settledHeap();
await mailer.close();
process.stdout.write(`${JSON.stringify({ id, sends: SENDS, heapGrowthBytes: after - before })}\n`);
