// What Node's fetch costs against node:http for the same request to the stub: `node fetch-cost.mjs <stub
// url>`. Mailgun's and Mailjet's SDKs send with axios over node:http; posse-mail sends their requests with
// fetch (for the abort signal, the size cap and an app's global dispatcher), so this is the floor of what
// those two cost more. Prints one JSON line: CPU microseconds per request, sequential and 8 in flight.
import { Agent, request } from "node:http";
import { runMany, SUBJECT } from "./lib/shared.mjs";

const url = `${process.argv[2]}/v3.1/send`;
const body = JSON.stringify({ Messages: [{ Subject: SUBJECT }] });
const headers = { authorization: "Basic YmVuY2g6YmVuY2g=", "content-type": "application/json" };
const agent = new Agent({ keepAlive: true });
const viaHttp = () =>
  new Promise((resolve, reject) => {
    const sent = request(url, { method: "POST", headers, agent }, (response) => {
      response.resume();
      response.on("end", resolve);
    });
    sent.on("error", reject);
    sent.end(body);
  });
const viaFetch = async () => {
  const response = await fetch(url, { method: "POST", headers, body, signal: new AbortController().signal });
  await response.text();
};
const COUNT = 2000;
const result = {};
for (const inFlight of [1, 8]) {
  for (const [name, run] of [
    ["http", viaHttp],
    ["fetch", viaFetch],
  ]) {
    await runMany(run, 500, inFlight);
    const started = process.cpuUsage();
    await runMany(run, COUNT, inFlight);
    const used = process.cpuUsage(started);
    result[`${name}${inFlight}`] = (used.user + used.system) / COUNT;
  }
}
agent.destroy();
process.stdout.write(`${JSON.stringify(result)}\n`);
