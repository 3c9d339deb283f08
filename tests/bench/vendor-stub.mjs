// A stand-in for the seven HTTP vendors, run in its own process so its work does not share the event loop
// of what is measured. Each vendor's send path answers that vendor's success, and the batch paths
// (Postmark's /email/batch, Resend's /emails/batch, Mailjet's Messages[], Brevo's messageVersions) one
// success per message they carry; every request is counted by `METHOD path`, and one that does not carry
// the benchmark's subject and credential is counted as bad. GET /__bench/count reports { counts, messages,
// bad, connections } (messages carried, a batch's each counted; connections opened so far, which
// keep-alive keeps few); it is not counted. `--delay-ms=<n>` answers each request n ms after it arrived.
// Prints `PORT <n>` once listening.
import { createServer } from "node:http";
import { SUBJECT } from "./lib/shared.mjs";

const json = (status, body, headers = {}) => [
  status,
  { "content-type": "application/json", ...headers },
  JSON.stringify(body),
];

const DELAY_MS = Number(process.argv.find((arg) => arg.startsWith("--delay-ms="))?.slice(11) ?? 0);

/** The JSON body, or undefined when it is not JSON. */
function parsed(body) {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

/** `count` results of `entry(i)`, numbered from 1. */
const each = (count, entry) => Array.from({ length: count }, (_, i) => entry(i + 1));

// Each vendor: its send path (a RegExp over `METHOD path`), the header that must carry a credential, its
// success answer (given the request body), and how many messages the body carries (1 when it says not).
const VENDORS = [
  {
    match: /^POST \/email\/batch$/,
    auth: "x-postmark-server-token",
    carried: (body) => (Array.isArray(parsed(body)) ? parsed(body).length : 0),
    answer: (body) =>
      json(
        200,
        each(parsed(body).length, (n) => ({
          To: "ann@example.com",
          SubmittedAt: "2026-01-01T00:00:00.0000000Z",
          MessageID: `b7bc2f4a-bench-${n}`,
          ErrorCode: 0,
          Message: "OK",
        })),
      ),
  },
  {
    match: /^POST \/emails\/batch$/,
    auth: "authorization",
    carried: (body) => (Array.isArray(parsed(body)) ? parsed(body).length : 0),
    answer: (body) => json(200, { data: each(parsed(body).length, (n) => ({ id: `49a3999c-bench-${n}` })) }),
  },
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
    carried: (body) => parsed(body)?.messageVersions?.length ?? 1,
    answer: (body) => {
      const versions = parsed(body)?.messageVersions?.length;
      if (versions === undefined) return json(201, { messageId: "<bench@smtp-relay.mailin.fr>" });
      return json(201, { messageIds: each(versions, (n) => `<bench-${n}@smtp-relay.mailin.fr>`) });
    },
  },
  {
    match: /^POST \/v3\.1\/send$/,
    auth: "authorization",
    carried: (body) => parsed(body)?.Messages?.length ?? 1,
    // Written as text: the 64-bit MessageID is exact on the wire, as Mailjet sends it.
    answer: (body) => [
      200,
      { "content-type": "application/json" },
      `{"Messages":[${each(
        parsed(body)?.Messages?.length ?? 1,
        (n) =>
          `{"Status":"success","To":[{"Email":"ann@example.com","MessageUUID":"u-${n}","MessageID":${1152921504606846976n + BigInt(n)},"MessageHref":""}],"Cc":[],"Bcc":[]}`,
      ).join(",")}]}`,
    ],
  },
];

const counts = {};
let messages = 0;
let bad = 0;
let connections = 0;
// Mailgun's body is multipart with the subject as a raw field; SES's is JSON; all hold the subject as is.
const subjectBytes = Buffer.from(SUBJECT);

const server = createServer((request, response) => {
  const key = `${request.method} ${request.url.split("?")[0]}`;
  if (key === "GET /__bench/count") {
    response
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ counts, messages, bad, connections }));
    return;
  }
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    counts[key] = (counts[key] ?? 0) + 1;
    const vendor = VENDORS.find((candidate) => candidate.match.test(key));
    const body = Buffer.concat(chunks);
    const carried = vendor?.carried?.(body) ?? 1;
    if (!vendor || !request.headers[vendor.auth] || body.indexOf(subjectBytes) === -1 || !(carried > 0)) {
      bad += 1;
      response.writeHead(400, { "content-type": "application/json" }).end('{"message":"not a bench send"}');
      return;
    }
    messages += carried;
    const [status, headers, text] = vendor.answer(body);
    // A small JSON answer declares its length, as the vendors' APIs send it.
    const send = () =>
      response.writeHead(status, { ...headers, "content-length": Buffer.byteLength(text) }).end(text);
    if (DELAY_MS > 0) setTimeout(send, DELAY_MS);
    else send();
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
