// Bulk through one HTTP provider: `node send-many.mjs <id>`. Starts its own stub vendor (answering every
// request 50 ms after it arrived) and sends 10,000 messages through `mailer.sendMany` (8 requests in
// flight), then the same messages one `send` at a time, 8 in flight. Prints one JSON line: per way, the
// requests the stub saw, the messages they carried, the wall time, this process's CPU per message, and
// how many messages were sent.
import { HTTP_VENDORS, posseSender } from "./lib/http-vendors.mjs";
import { runMany, SUBJECT, startStub, TEXT, TO } from "./lib/shared.mjs";

const [id] = process.argv.slice(2);
const vendor = HTTP_VENDORS.find((candidate) => candidate.id === id);
const COUNT = 10_000;
const IN_FLIGHT = 8;
const WARMUP = 1000;
const message = { to: TO, subject: SUBJECT, text: TEXT };

const stub = await startStub("vendor-stub.mjs", ["--delay-ms=50"]);
const { mailer } = await posseSender(vendor, stub.url);

async function stubCount() {
  const answer = await (await fetch(`${stub.url}/__bench/count`)).json();
  const requests = Object.values(answer.counts).reduce((sum, count) => sum + count, 0);
  return { requests, messages: answer.messages, bad: answer.bad };
}

/** Sends `count` messages one way, timed; `sent` counts those that got a receipt. */
async function measure(way, count) {
  const messages = Array.from({ length: count }, () => message);
  const before = await stubCount();
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  let sent = 0;
  if (way === "sendMany") {
    const results = await mailer.sendMany(messages, { concurrency: IN_FLIGHT });
    sent = results.filter((result) => result.ok).length;
  } else {
    let next = 0;
    await runMany(
      async () => {
        await mailer.send(messages[next++]);
        sent += 1;
      },
      count,
      IN_FLIGHT,
    );
  }
  const cpu = process.cpuUsage(cpuStarted);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const after = await stubCount();
  return {
    sent,
    requests: after.requests - before.requests,
    carried: after.messages - before.messages,
    bad: after.bad - before.bad,
    wallMs,
    cpuUsPerMessage: (cpu.user + cpu.system) / count,
  };
}

try {
  await measure("sendMany", WARMUP);
  await measure("send", WARMUP);
  const sendMany = await measure("sendMany", COUNT);
  const send = await measure("send", COUNT);
  process.stdout.write(`${JSON.stringify({ id, count: COUNT, inFlight: IN_FLIGHT, sendMany, send })}\n`);
} finally {
  await mailer.close();
  await stub.stop();
}
