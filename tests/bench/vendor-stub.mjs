// A stand-in for the seven HTTP vendors, run in its own process so its work does not share the event loop
// of what is measured. Each vendor's send path answers that vendor's success; every request is counted by
// `METHOD path`, and one that does not carry the benchmark's subject and credential is counted as bad.
// GET /__bench/count reports { counts, bad, connections } (connections opened so far, which keep-alive
// keeps few); it is not counted. Prints `PORT <n>` once listening.
import { createServer } from "node:http";
import { SUBJECT } from "./lib/shared.mjs";

const json = (status, body, headers = {}) => [
  status,
  { "content-type": "application/json", ...headers },
  JSON.stringify(body),
];

// Each vendor: its send path (a RegExp over `METHOD path`), the header that must carry a credential, and
// its success answer.
const VENDORS = [
  {
    match: /^POST \/v2\/email\/outbound-emails$/,
    auth: "authorization",
    answer: () => json(200, { MessageId: "0100018c-bench-000000" }, { "x-amzn-requestid": "bench" }),
  },
  { match: /^POST \/emails$/, auth: "authorization", answer: () => json(200, { id: "49a3999c-bench" }) },
  {
    match: /^POST \/v3\/[^/]+\/messages$/,
    auth: "authorization",
    answer: () => json(200, { id: "<bench@mg.example.com>", message: "Queued. Thank you." }),
  },
  {
    match: /^POST \/email$/,
    auth: "x-postmark-server-token",
    answer: () =>
      json(200, {
        To: "ann@example.com",
        SubmittedAt: "2026-01-01T00:00:00.0000000Z",
        MessageID: "b7bc2f4a-bench",
        ErrorCode: 0,
        Message: "OK",
      }),
  },
  {
    match: /^POST \/v3\/mail\/send$/,
    auth: "authorization",
    answer: () => [202, { "x-message-id": "sendgrid-bench" }, ""],
  },
  {
    match: /^POST \/v3\/smtp\/email$/,
    auth: "api-key",
    answer: () => json(201, { messageId: "<bench@smtp-relay.mailin.fr>" }),
  },
  {
    match: /^POST \/v3\.1\/send$/,
    auth: "authorization",
    // Written as text: the 64-bit MessageID is exact on the wire, as Mailjet sends it.
    answer: () => [
      200,
      { "content-type": "application/json" },
      '{"Messages":[{"Status":"success","To":[{"Email":"ann@example.com","MessageUUID":"u-1","MessageID":1152921504606846977,"MessageHref":""}],"Cc":[],"Bcc":[]}]}',
    ],
  },
];

const counts = {};
let bad = 0;
let connections = 0;
// Mailgun's body is multipart with the subject as a raw field; SES's is JSON; all hold the subject as is.
const subjectBytes = Buffer.from(SUBJECT);

const server = createServer((request, response) => {
  const key = `${request.method} ${request.url.split("?")[0]}`;
  if (key === "GET /__bench/count") {
    response
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ counts, bad, connections }));
    return;
  }
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    counts[key] = (counts[key] ?? 0) + 1;
    const vendor = VENDORS.find((candidate) => candidate.match.test(key));
    const body = Buffer.concat(chunks);
    if (!vendor || !request.headers[vendor.auth] || body.indexOf(subjectBytes) === -1) {
      bad += 1;
      response.writeHead(400, { "content-type": "application/json" }).end('{"message":"not a bench send"}');
      return;
    }
    const [status, headers, text] = vendor.answer();
    // A small JSON answer declares its length, as the vendors' APIs send it.
    response.writeHead(status, { ...headers, "content-length": Buffer.byteLength(text) }).end(text);
  });
});
server.on("connection", () => {
  connections += 1;
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.stdout.write(`PORT ${server.address().port}\n`));
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
