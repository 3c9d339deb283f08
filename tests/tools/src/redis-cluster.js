// A throwaway Redis Cluster for a test: 3 masters on loopback (no replicas) on free ports, joined with
// `redis-cli --cluster create`, ready when every node logs that the cluster is ok; stop() kills them all.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, startRedisProcess, stopRedisProcess } from "./redis-process.js";
import { locateSystemTool } from "./system-tools.js";

/** What a cluster node logs once every slot is served. */
const CLUSTER_OK = /Cluster state changed: ok/;

/** @type {typeof import("./index.js").startRedisCluster} */
export async function startRedisCluster() {
  const server = locateSystemTool("redis-server", process.env);
  const cli = locateSystemTool("redis-cli", process.env);
  const dir = mkdtempSync(join(tmpdir(), "posse-redis-cluster-"));
  /** @type {import("./redis-process.js").RedisProcess[]} */
  const nodes = [];
  const stop = async () => {
    await Promise.all(nodes.map(stopRedisProcess));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let index = 0; index < 3; index++) {
      const node = await startRedisProcess(server, async (port) => [
        ...["--port", String(port), "--cluster-port", String(await freePort()), "--bind", "127.0.0.1"],
        ...["--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`, "--dir", dir],
        ...["--save", "", "--appendonly", "no"],
      ]);
      nodes.push(node);
    }
    const addresses = nodes.map(({ port }) => `127.0.0.1:${port}`);
    await promisify(execFile)(cli, [
      "--cluster",
      "create",
      ...addresses,
      "--cluster-replicas",
      "0",
      "--cluster-yes",
    ]);
    for (const node of nodes) {
      if (!(await node.logs(CLUSTER_OK)))
        throw new Error(`redis cluster node ${node.port} exited:\n${node.log()}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const ports = nodes.map(({ port }) => port);
  return { url: `redis://127.0.0.1:${ports[0]}`, ports, stop };
}
