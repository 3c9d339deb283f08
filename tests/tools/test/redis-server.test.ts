import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startRedis } from "../src/index.js";

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

describe("startRedis", () => {
  it("starts a redis-server of the test's own that answers on its URL until stopped", async () => {
    const redis = await startRedis();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await ask(redis.port, "PING")).toBe("+PONG\r\n");
    await redis.stop();
    await expect(ask(redis.port, "PING")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("asks for the password it was given, which the URL carries", async () => {
    const redis = await startRedis({ password: "p@ss word" });
    try {
      expect(redis.url).toBe(`redis://:p%40ss%20word@127.0.0.1:${redis.port}`);
      expect(await ask(redis.port, "PING")).toMatch(/^-NOAUTH/);
    } finally {
      await redis.stop();
    }
  });

  it("fails at once, naming the install command, when redis-server is not on PATH", async () => {
    // Before, it polled a port nothing would ever open for 25 s and the test's afterAll hit `undefined.stop()`.
    const empty = await mkdtemp(join(tmpdir(), "posse-no-redis-"));
    vi.stubEnv("PATH", empty);
    try {
      await expect(startRedis()).rejects.toThrow(
        "redis-server is not on PATH (the queue, OpenTelemetry and `demo --queue` tests each start one): " +
          "install it with `sudo apt-get install redis-server` (Debian)",
      );
    } finally {
      await rm(empty, { recursive: true });
    }
  });
});
