// The core path alone: a send through the memory provider (no network), microseconds per send as the
// median of blocks, then, with --expose-gc, the heap growth over many sends with the outbox cleared.
// `node --expose-gc core-path.mjs`; prints one JSON line.
import { createMailer } from "@posse/mail-core";
import { memoryProvider } from "@posse/mail-core/testing";
import { FROM, median, QUICK, SUBJECT, settledHeap, TEXT, TO } from "./lib/shared.mjs";

const outbox = [];
const mailer = await createMailer({
  from: FROM,
  providers: { definition: memoryProvider(), config: { outbox } },
});
const message = { to: TO, subject: SUBJECT, text: TEXT };

async function sends(count) {
  for (let i = 0; i < count; i++) {
    await mailer.send(message);
    if (outbox.length === 1000) outbox.length = 0;
  }
  outbox.length = 0;
}

const BLOCK = QUICK ? 2_000 : 10_000;
await sends(BLOCK * 2);
const blocks = [];
for (let i = 0; i < (QUICK ? 5 : 15); i++) {
  const started = process.hrtime.bigint();
  await sends(BLOCK);
  blocks.push(Number(process.hrtime.bigint() - started) / 1000 / BLOCK);
}

const HEAP_SENDS = QUICK ? 20_000 : 100_000;
const heapBefore = await settledHeap();
await sends(HEAP_SENDS);
const heapAfter = await settledHeap();
process.stdout.write(
  `${JSON.stringify({ perSendUs: median(blocks), heapSends: HEAP_SENDS, heapGrowthBytes: heapAfter - heapBefore })}\n`,
);
