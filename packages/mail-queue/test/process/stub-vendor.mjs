// A Postmark-compatible vendor stub, run in its own process: POST /email accepts after 5-30 ms (or
// STUB_DELAY_MS) and records the acceptance (a subject "status-NNN" is refused with that HTTP status);
// GET /stats returns every acceptance, every request received (its body complete) and every request begun
// (its first body bytes arrived; a worker killed mid-request leaves one begun, not received). With
// HONOUR_KEYS=1 a second request with the same X-Idempotency-Key is absorbed (answered with the first message
// id, not recorded again). POST /email/batch (Postmark's batch call) takes an array of messages and answers
// each the same way; /stats also counts the HTTP requests.
// Prints {"port":N} on its first stdout line.
import { createServer } from "node:http";

const honourKeys = process.env.HONOUR_KEYS === "1";
const fixedDelay = process.env.STUB_DELAY_MS ? Number(process.env.STUB_DELAY_MS) : undefined;
const accepted = []; // [subject, key, ms since epoch]
const received = []; // the subject of every request whose body arrived, accepted or not
const begun = []; // the subject of every request whose first body bytes arrived
const byKey = new Map();
let absorbed = 0;
let count = 0;
let requests = 0;

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => {
      if (chunks.length === 0) {
        const subject = /"Subject":"([^"]*)"/.exec(chunk.toString("utf8"))?.[1];
        if (subject !== undefined) begun.push(subject);
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

const server = createServer(async (request, response) => {
  if (request.method === "GET" && request.url === "/stats") {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ accepted, absorbed, received, begun, requests }));
    return;
  }
  if (request.method !== "POST" || (request.url !== "/email" && request.url !== "/email/batch")) {
    response.writeHead(404).end();
    return;
  }
  requests += 1;
  const body = JSON.parse(await readBody(request));
  const batch = request.url === "/email/batch";
  for (const message of batch ? body : [body]) received.push(message.Subject);
  await new Promise((resolve) => setTimeout(resolve, fixedDelay ?? 5 + Math.floor(Math.random() * 25)));
  if (batch) {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(body.map(accept)));
    return;
  }
  // A subject "status-NNN …" is refused with that HTTP status and a Postmark error body.
  const refused = /^status-(\d{3})/.exec(body.Subject ?? "");
  if (refused) {
    response.writeHead(Number(refused[1]), { "content-type": "application/json" });
    response.end(JSON.stringify({ ErrorCode: 300, Message: "Refused by the stub" }));
    return;
  }
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify(accept(body)));
});

/** Accepts one message (absorbing a repeated key with HONOUR_KEYS=1); its Postmark answer. */
function accept(body) {
  const key = (body.Headers ?? []).find((header) => header.Name === "X-Idempotency-Key")?.Value ?? null;
  let id;
  if (honourKeys && key !== null && byKey.has(key)) {
    absorbed += 1;
    id = byKey.get(key);
  } else {
    count += 1;
    id = `stub-${count}`;
    if (key !== null) byKey.set(key, id);
    accepted.push([body.Subject, key, Date.now()]);
  }
  return { To: body.To, SubmittedAt: new Date().toISOString(), MessageID: id, ErrorCode: 0, Message: "OK" };
}

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
