// One side of an HTTP send benchmark in its own process, so the two sides share no heap, garbage
// collector or compiled code: `node http-side.mjs raw|posse <id> <stub url>`, forked with an IPC channel.
// Each message { count, inFlight } runs that many sends and answers { wallUs, cpuUs } per send.
import { HTTP_VENDORS, posseSender } from "./lib/http-vendors.mjs";
import { runMany } from "./lib/shared.mjs";

const [kind, id, url] = process.argv.slice(2);
const vendor = HTTP_VENDORS.find((candidate) => candidate.id === id);
const sender = kind === "raw" ? { send: await vendor.raw(url) } : await posseSender(vendor, url);

process.on("message", async ({ count, inFlight, close }) => {
  if (close) {
    await sender.mailer?.close();
    process.disconnect();
    return;
  }
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  await runMany(sender.send, count, inFlight);
  const cpu = process.cpuUsage(cpuStarted);
  process.send({
    wallUs: Number(process.hrtime.bigint() - started) / 1000 / count,
    cpuUs: (cpu.user + cpu.system) / count,
  });
});
process.send({ ready: true });
