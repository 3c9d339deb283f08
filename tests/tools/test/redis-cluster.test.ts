import { mkdtemp, rm, symlink } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { findOnPath, startRedisCluster } from "../src/index.js";

/** The first reply to one inline command. */
function ask(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(`${command}\r\n`));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString());
    });
    socket.once("error", reject);
  });
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("startRedisCluster", () => {
  it("starts three masters that serve every slot, on the URL's node and the others, until stopped", async () => {
    const cluster = await startRedisCluster();
    expect(cluster.url).toBe(`redis://127.0.0.1:${cluster.ports[0]}`);
    expect(new Set(cluster.ports).size).toBe(3);
    for (const port of cluster.ports) {
      const info = await ask(port, "CLUSTER INFO");
      expect(info).toContain("cluster_state:ok");
      expect(info).toContain("cluster_slots_assigned:16384");
      expect(info).toContain("cluster_known_nodes:3");
    }
    await cluster.stop();
    for (const port of cluster.ports) {
      await expect(ask(port, "PING")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    }
  }, 30_000); // three redis-servers and redis-cli joining them: a few seconds on a busy machine

  it("fails at once, naming the install command, when redis-cli is not on PATH", async () => {
    const bin = await mkdtemp(join(tmpdir(), "posse-no-redis-cli-"));
    await symlink(findOnPath("redis-server", process.env)!, join(bin, "redis-server"));
    vi.stubEnv("PATH", bin);
    try {
      await expect(startRedisCluster()).rejects.toThrow(
        "redis-cli is not on PATH (the queue's cluster test joins its redis-servers with it): " +
          "install it with `sudo apt-get install redis-tools` (Debian)",
      );
    } finally {
      await rm(bin, { recursive: true });
    }
  });
});
