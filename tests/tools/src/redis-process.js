// One redis-server process on loopback, read through its own log: it is ready, or its cluster is ok, when it
// says so (no polling, no deadline: a busy machine only makes it slower); a port taken between picking it
// and binding it is retried on other free ports.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";

/** What redis-server logs once it listens (Redis 2.6 to 7 alike). */
export const READY = /Ready to accept connections/;
/** What it logs when a port was taken between freePort() and its start. */
const PORT_TAKEN = /Address already in use/;

/** A port nothing listens on now (on 127.0.0.1). */
export async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  server.close();
  await once(server, "close");
  return address.port;
}

/**
 * A running redis-server, its log kept (the last 8,000 characters) and its pipes drained.
 * @param {string} command
 * @param {string[]} args
 */
function launch(command, args) {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  const exited = once(child, "exit").then(() => undefined);
  const failed = once(child, "error").then(([error]) => Promise.reject(error));
  failed.catch(() => undefined);
  let log = "";
  /** @type {Set<() => void>} */
  const listeners = new Set();
  const collect = (/** @type {Buffer} */ chunk) => {
    log = (log + chunk.toString()).slice(-8000);
    for (const listener of listeners) listener();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  return {
    child,
    exited,
    log: () => log,
    /**
     * Resolves true once the log shows `pattern`, false when the server exits first.
     * @param {RegExp} pattern
     * @returns {Promise<boolean>}
     */
    logs(pattern) {
      /** @type {Promise<boolean>} */
      const seen = new Promise((resolve) => {
        const check = () => {
          if (!pattern.test(log)) return;
          listeners.delete(check);
          resolve(true);
        };
        listeners.add(check);
        check();
      });
      return Promise.race([seen, exited.then(() => pattern.test(log)), failed]);
    },
  };
}

/** @typedef {ReturnType<typeof launch> & { port: number }} RedisProcess */

/**
 * Starts redis-server with `args(port)` on a free port and resolves once it is ready; killed if the test
 * process ends first.
 * @param {string} command
 * @param {(port: number) => Promise<string[]>} args
 * @returns {Promise<RedisProcess>}
 */
export async function startRedisProcess(command, args) {
  for (let tries = 0; tries < 5; tries++) {
    const port = await freePort();
    const server = launch(command, await args(port));
    if (await server.logs(READY)) {
      const killOnExit = () => server.child.kill("SIGKILL");
      process.once("exit", killOnExit);
      server.exited.then(() => process.off("exit", killOnExit));
      return { ...server, port };
    }
    if (!PORT_TAKEN.test(server.log())) {
      throw new Error(`redis-server exited before it was ready:\n${server.log()}`);
    }
  }
  throw new Error("redis-server found each of five free ports taken before it could listen");
}

/**
 * Kills it and resolves once it has exited.
 * @param {RedisProcess} server
 */
export async function stopRedisProcess(server) {
  server.child.kill("SIGKILL");
  await server.exited;
}
