// A Postmark stand-in for child-process tests: POST /email answers 503 (`always-503`), or 503 once and
// then Postmark's success JSON (`503-then-200`). It prints its port, then one line per request.
import { createServer } from "node:http";

const mode = process.argv[2];
if (mode !== "503-then-200" && mode !== "always-503") throw new Error(`unknown mode ${mode}`);
let requests = 0;

const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    requests += 1;
    process.stdout.write(`REQUEST ${request.method} ${request.url}\n`);
    if (mode === "always-503" || requests === 1) {
      response.writeHead(503, { "content-type": "text/plain" }).end("Service Unavailable");
      return;
    }
    response.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        To: "ann@example.com",
        SubmittedAt: "2026-01-01T00:00:00.0000000Z",
        MessageID: "b7bc2f4a-e38e-4336-af7d-e6c392c2f817",
        ErrorCode: 0,
        Message: "OK",
      }),
    );
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`PORT ${server.address().port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
