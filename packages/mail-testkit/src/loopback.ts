import { createServer, type Socket } from "node:net";

/** A loopback server that resets every connection once the request's first bytes arrived. */
export interface ResettingServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Connections that sent request bytes before being reset. */
  readonly requests: () => number;
  close(): Promise<void>;
}

/** Starts a {@link ResettingServer}: the request goes out, then the connection breaks (TCP RST). */
export async function startResettingServer(): Promise<ResettingServer> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    socket.once("data", () => {
      requests += 1;
      socket.resetAndDestroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    origin: `http://127.0.0.1:${address.port}`,
    requests: () => requests,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
