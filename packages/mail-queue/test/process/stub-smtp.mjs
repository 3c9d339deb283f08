// An SMTP vendor stub, run in its own process: plain SMTP on 127.0.0.1 (no AUTH, no STARTTLS) that answers
// the end of DATA after 5-30 ms and records the acceptance. A message "reached the server" once the first
// bytes of its DATA arrived (its Subject header is read from them). GET /stats on a second, HTTP port
// returns { accepted: [[subject, key, ms]], absorbed: 0, received: [subject] }, like stub-vendor.mjs,
// `begun`: the recipient of every transaction that reached RCPT TO (the soak gives each message its own), and
// `abandoned`: transactions a client began (MAIL FROM) and dropped before DATA (a worker killed mid-request).
// Prints {"port":SMTP,"statsPort":HTTP} on its first stdout line.
import { createServer } from "node:http";
import { SMTPServer } from "smtp-server";

const accepted = [];
const received = [];
const recipients = [];
// Sessions with a transaction begun (MAIL FROM) whose DATA has not started; counted when the client drops.
const begun = new Set();
let abandoned = 0;

const header = (text, name) => new RegExp(`^${name}: *(.*)$`, "mi").exec(text)?.[1]?.trim() ?? null;

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onMailFrom(_address, session, callback) {
    begun.add(session.id);
    callback();
  },
  onRcptTo(address, _session, callback) {
    recipients.push(address.address);
    callback();
  },
  onClose(session) {
    if (begun.delete(session.id)) abandoned += 1;
  },
  onData(stream, session, callback) {
    begun.delete(session.id);
    let head = "";
    let subject = null;
    stream.on("data", (chunk) => {
      if (subject !== null) return;
      head += chunk.toString("utf8");
      subject = header(head, "Subject");
      if (subject !== null) received.push(subject);
    });
    stream.on("end", () => {
      setTimeout(
        () => {
          accepted.push([subject, header(head, "X-Idempotency-Key"), Date.now()]);
          callback(null, `queued as stub-${accepted.length}`);
        },
        5 + Math.floor(Math.random() * 25),
      );
    });
  },
});
smtp.on("error", () => {});

const stats = createServer((request, response) => {
  if (request.method === "GET" && request.url === "/stats") {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ accepted, absorbed: 0, received, begun: recipients, abandoned }));
    return;
  }
  response.writeHead(404).end();
});

smtp.listen(0, "127.0.0.1", () => {
  stats.listen(0, "127.0.0.1", () => {
    const port = smtp.server.address().port;
    process.stdout.write(`${JSON.stringify({ port, statsPort: stats.address().port })}\n`);
  });
});
process.on("SIGTERM", () => {
  for (const connection of smtp.connections) connection.close();
  smtp.close(() => stats.close(() => process.exit(0)));
});
