import type { Server, Socket } from "node:net";

/** Listens on an ephemeral port of 127.0.0.1; resolves with the port. */
export function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : 0);
    });
  });
}

/** Keeps `sockets` holding the server's open connections (the TLS ones too, for an https server). */
export function trackSockets(server: Server, sockets: Set<Socket>, event = "connection"): void {
  server.on(event, (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
}

/** Destroys every open connection, then closes the server. */
export function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}
