// A plain local relay (no TLS, no AUTH) on 127.0.0.1, port 0, for the process tests. Prints "PORT <n>",
// then "MESSAGE" for each message it takes and "OPEN <n>" whenever its count of open connections changes.
import { SMTPServer } from "smtp-server";

let open = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData(stream, _session, callback) {
    stream.resume();
    stream.on("end", () => {
      console.log("MESSAGE");
      callback();
    });
  },
});
server.server.on("connection", (socket) => {
  console.log(`OPEN ${++open}`);
  socket.once("close", () => console.log(`OPEN ${--open}`));
});
server.listen(0, "127.0.0.1", () => console.log(`PORT ${server.server.address().port}`));
