// A loopback SMTP server in its own process (plain, no AUTH): accepts every message that carries the
// benchmark's subject and counts it; GET http://127.0.0.1:<count port>/ reports { accepted, bad }.
// Prints `PORT <smtp port> <count port>` once both listen.
import { once } from "node:events";
import { createServer } from "node:http";
import { SMTPServer } from "smtp-server";
import { SUBJECT } from "./lib/shared.mjs";

let accepted = 0;
let bad = 0;
const subject = Buffer.from(`Subject: ${SUBJECT}`);
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  maxClients: 1000,
  onData(stream, _session, callback) {
    const chunks = [];
    stream.on("data", (chunk) => chunks.push(chunk));
    stream.on("end", () => {
      if (Buffer.concat(chunks).indexOf(subject) === -1) bad += 1;
      else accepted += 1;
      callback();
    });
  },
});
server.listen(0, "127.0.0.1");
await once(server.server, "listening");
const counter = createServer((_request, response) => response.end(JSON.stringify({ accepted, bad })));
counter.listen(0, "127.0.0.1");
await once(counter, "listening");
process.stdout.write(`PORT ${server.server.address().port} ${counter.address().port}\n`);
process.on("SIGTERM", () => {
  counter.close();
  server.close(() => process.exit(0));
});
