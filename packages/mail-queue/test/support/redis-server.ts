// A throwaway redis-server on a free loopback port, for tests: no persistence, stopped by the test.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer, Socket } from "node:net";

/** A running redis-server. */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether a Redis answers on `port` (PONG, or NOAUTH when it asks for a password). */
async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(200);
    socket.once("data", (data) => {
      socket.destroy();
      resolve(/^(\+PONG|-NOAUTH)/.test(data.toString()));
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(port, "127.0.0.1", () => socket.write("PING\r\n"));
  });
}

/**
 * Starts redis-server (Debian's `redis-server` must be installed) and waits until it answers; with
 * `requirepass` when a password is given (the URL then carries it).
 */
export async function startRedis(options: { readonly password?: string } = {}): Promise<TestRedis> {
  const auth = options.password === undefined ? [] : ["--requirepass", options.password];
  for (let tries = 0; tries < 5; tries++) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...auth],
      { stdio: "ignore" },
    );
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const started = Date.now();
    while (Date.now() - started < 5000 && child.exitCode === null) {
      if (await answers(port)) {
        const userinfo = options.password === undefined ? "" : `:${encodeURIComponent(options.password)}@`;
        return {
          url: `redis://${userinfo}127.0.0.1:${port}`,
          port,
          async stop() {
            child.kill("SIGKILL");
            await exited;
          },
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill("SIGKILL");
    await exited; // the port was taken in between: try another
  }
  throw new Error("redis-server did not start (is Debian's redis-server installed?)");
}
