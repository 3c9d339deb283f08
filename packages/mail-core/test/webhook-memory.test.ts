// Unauthenticated posts cost the server no memory for their bodies: a real node:http server in a child process
// (the built core: createWebhookHandler + toNodeHandler over a shared-secret webhook that accepts 5 MiB bodies)
// takes 300 concurrent 5 MiB posts without credentials, half streamed as fast as the socket takes them, half
// stalling after 256 KiB, answers every one, and its resident memory must grow by under 50 MB (before, each body
// was read in full before the credentials were looked at: 1.6 GB).
import { type ChildProcess, spawn } from "node:child_process";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const BODY_BYTES = 5 * 1024 * 1024;
const POSTS = 300;

// The server: the webhook on POST /hook; GET /reset starts a measurement, GET /stats reports it (RSS sampled every 5 ms).
const SERVER = `
import { createServer } from "node:http";
import { createWebhookHandler, toNodeHandler } from "./dist/index.js";
import { jsonRecords, parseJsonBody, sharedSecretWebhook } from "./dist/provider.js";
const definition = sharedSecretWebhook(
  {
    provider: "plain",
    envPrefix: "PLAIN",
    maxBodyBytes: ${BODY_BYTES} + 1024,
    records: (body) => jsonRecords(parseJsonBody(body)),
    malformed: "not a plain record",
    map: (record, received) => ({ type: "unknown", provider: "plain", messageId: undefined, recipient: undefined,
      timestamp: new Date(received), vendorType: String(record.event), tags: [], metadata: {}, raw: record }),
  },
  { basic: { username: "hook", password: "a-long-webhook-password" }, env: {} },
);
const webhook = toNodeHandler(createWebhookHandler(definition, { onEvents: () => {} }));
let baseline = process.memoryUsage.rss();
let peak = baseline;
setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 5);
const server = createServer((req, res) => {
  if (req.url === "/reset") { baseline = peak = process.memoryUsage.rss(); return res.end("ok"); }
  if (req.url === "/stats") return res.end(JSON.stringify({ baseline, peak, rss: process.memoryUsage.rss() }));
  webhook(req, res);
});
server.listen(0, "127.0.0.1", () => process.stdout.write(String(server.address().port) + "\\n"));
`;

let child: ChildProcess;
let port: number;

beforeAll(async () => {
  child = spawn(process.execPath, ["--input-type=module", "-e", SERVER], {
    cwd: packageDir,
    stdio: ["ignore", "pipe", "inherit"],
  });
  port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once("data", (data: Buffer) => resolve(Number(data.toString().trim())));
    child.once("exit", (code) => reject(new Error(`the server exited with ${code}`)));
  });
});

afterAll(() => {
  child.kill("SIGKILL");
});

const get = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`)).text();

/**
 * One post without credentials declaring a 5 MiB body: streamed in 64 KiB writes as fast as the socket takes
 * them, or stalling after `stallAfter` bytes. Resolves with the status line the server answered (or "" if none)
 * once the server closed the connection.
 */
function unauthenticatedPost(stallAfter: number | undefined): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    let answer = "";
    const pump = () => {
      while (!socket.destroyed && sent < (stallAfter ?? BODY_BYTES)) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once("drain", pump);
      }
    };
    socket.on("connect", () => {
      socket.write(
        `POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${BODY_BYTES}\r\n\r\n`,
      );
      pump();
    });
    socket.on("data", (data: Buffer) => {
      answer ||= data.toString("latin1").split("\r\n")[0]!;
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve(answer));
  });
}

describe("a webhook server under 300 concurrent unauthenticated 5 MiB posts", () => {
  it("answers them 401 and grows its resident memory by under 50 MB", async () => {
    await get("/reset");
    const stalling = (i: number) => i % 2 === 1;
    const answers = await Promise.all(
      Array.from({ length: POSTS }, (_, i) => unauthenticatedPost(stalling(i) ? 256 * 1024 : undefined)),
    );
    const { baseline, peak } = JSON.parse(await get("/stats")) as { baseline: number; peak: number };
    const grownMb = (peak - baseline) / 1e6;
    console.info(
      `webhook server RSS: ${(baseline / 1e6).toFixed(1)} MB before, peak +${grownMb.toFixed(1)} MB`,
    );
    // Every connection was answered and closed by the server (a stalled post cannot end otherwise): with 401, or
    // with a reset a client reads instead when the server closes while its unread bytes are still arriving.
    const refused = "HTTP/1.1 401 Unauthorized";
    expect(answers.filter((line) => line !== refused && line !== "")).toEqual([]);
    expect(answers.filter((line) => line === refused).length).toBeGreaterThan(0);
    expect(grownMb).toBeLessThan(50);
  }, 120_000);
});
