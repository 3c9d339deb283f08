// A throwaway redis-server for a test: a free loopback port, no persistence, killed by stop(). It is ready when
// it logs so itself (no polling, no deadline: a busy machine only makes it slower), and fails at once, naming
// the install command, when redis-server is not installed.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { locateSystemTool } from "./system-tools.js";

/** What redis-server logs once it listens (Redis 2.6 to 7 alike). */
const READY = /Ready to accept connections/;
/** What it logs when the port was taken between freePort() and its start. */
const PORT_TAKEN = /Address already in use/;

async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  server.close();
  await once(server, "close");
  return address.port;
}

/**
 * Starts redis-server on `port` and resolves when it is ready, or with its log when it exits first.
 * @param {string} command
 * @param {number} port
 * @param {string[]} auth
 */
function launch(command, port, auth) {
  const child = spawn(
    command,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...auth],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = once(child, "exit").then(() => undefined);
  let log = "";
  /** @type {Promise<{ ready: boolean, log: string }>} */
  const started = new Promise((resolve, reject) => {
    const collect = (/** @type {Buffer} */ chunk) => {
      log = (log + chunk.toString()).slice(-4000);
      if (!READY.test(log)) return;
      // Ready: later output is only drained, so a full pipe never stalls the server.
      for (const stream of [child.stdout, child.stderr]) stream.off("data", collect).resume();
      resolve({ ready: true, log });
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("error", reject);
    exited.then(() => resolve({ ready: false, log }));
  });
  return { child, exited, started };
}

/** @type {typeof import("./index.js").startRedis} */
export async function startRedis(options = {}) {
  const command = locateSystemTool("redis-server", process.env);
  const auth = options.password === undefined ? [] : ["--requirepass", options.password];
  for (let tries = 0; tries < 5; tries++) {
    const port = await freePort();
    const { child, exited, started } = launch(command, port, auth);
    const { ready, log } = await started;
    if (!ready && PORT_TAKEN.test(log)) continue; // taken in between: another port
    if (!ready) throw new Error(`redis-server exited before it was ready:\n${log}`);
    // Not left running if the test process ends without stop().
    const killOnExit = () => child.kill("SIGKILL");
    process.once("exit", killOnExit);
    const userinfo = options.password === undefined ? "" : `:${encodeURIComponent(options.password)}@`;
    return {
      url: `redis://${userinfo}127.0.0.1:${port}`,
      port,
      async stop() {
        process.off("exit", killOnExit);
        child.kill("SIGKILL");
        await exited;
      },
    };
  }
  throw new Error("redis-server found each of five free ports taken before it could listen");
}
