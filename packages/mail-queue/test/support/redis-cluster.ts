// A throwaway Redis Cluster for tests: 3 masters on loopback (no replicas), each redis-server on ports
// picked free first (a cluster's ports are fixed in its config), joined with `redis-cli --cluster create`.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A port nothing listens on now (on 127.0.0.1). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A running 3-master cluster. */
export interface TestRedisCluster {
  /** `redis://127.0.0.1:<port>` of the first node: a client finds the others from it. */
  readonly url: string;
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

async function clusterState(port: number): Promise<string | undefined> {
  const info = await run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), "cluster", "info"]).catch(
    () => undefined,
  );
  return /cluster_state:(\w+)/.exec(info?.stdout ?? "")?.[1];
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > 15_000) throw new Error(`redis cluster: ${what} in time`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts 3 cluster-enabled redis-servers (Debian's `redis-server` 7), creates the cluster, waits until it is ok. */
export async function startRedisCluster(): Promise<TestRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), "posse-redis-cluster-"));
  const nodes: { port: number; child: ChildProcess; exited: Promise<void> }[] = [];
  const stop = async () => {
    for (const node of nodes) node.child.kill("SIGKILL");
    await Promise.all(nodes.map((node) => node.exited));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let index = 0; index < 3; index++) {
      const port = await freePort();
      const busPort = await freePort();
      const child = spawn(
        "redis-server",
        [
          ...["--port", String(port), "--cluster-port", String(busPort), "--bind", "127.0.0.1"],
          ...["--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`, "--dir", dir],
          ...["--save", "", "--appendonly", "no"],
        ],
        { stdio: "ignore" },
      );
      nodes.push({ port, child, exited: new Promise((resolve) => child.once("exit", () => resolve())) });
    }
    for (const { port } of nodes)
      await until(`node ${port} did not start`, async () => (await clusterState(port)) !== undefined);
    const addresses = nodes.map(({ port }) => `127.0.0.1:${port}`);
    await run("redis-cli", ["--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes"]);
    for (const { port } of nodes)
      await until(`node ${port} not ok`, async () => (await clusterState(port)) === "ok");
  } catch (error) {
    await stop();
    throw error;
  }
  const ports = nodes.map(({ port }) => port);
  return { url: `redis://127.0.0.1:${ports[0]}`, ports, stop };
}
