// A throwaway redis-server for a test: a free loopback port, no persistence, killed by stop(). It fails at
// once, naming the install command, when redis-server is not installed.
import { startRedisProcess, stopRedisProcess } from "./redis-process.js";
import { locateSystemTool } from "./system-tools.js";

/** @type {typeof import("./index.js").startRedis} */
export async function startRedis(options = {}) {
  const command = locateSystemTool("redis-server", process.env);
  const auth = options.password === undefined ? [] : ["--requirepass", options.password];
  const server = await startRedisProcess(command, async (port) => [
    ...["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    ...auth,
  ]);
  const userinfo = options.password === undefined ? "" : `:${encodeURIComponent(options.password)}@`;
  return {
    url: `redis://${userinfo}127.0.0.1:${server.port}`,
    port: server.port,
    stop: () => stopRedisProcess(server),
  };
}
