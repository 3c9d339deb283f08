import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import { closeServer, listen, trackSockets } from "./loopback-server.js";

/** What a hostile vendor saw of one connection. */
export interface VendorConnection {
  /** Bytes the vendor managed to write to the socket (the client or the kernel took them). */
  bytesWritten: number;
  /** `Date.now()` when the client ended or reset the connection, or undefined while it is open. */
  closedAt?: number;
}

/** A loopback vendor that answers every request 200 and never finishes the body. */
export interface HostileVendor {
  /** `http(s)://127.0.0.1:<port>`. */
  readonly url: string;
  readonly connections: readonly VendorConnection[];
  /** Resolves once a client has connected and sent its request. */
  connected(): Promise<void>;
  /** Resolves once every connection has closed, or after `withinMs` (whichever is first). */
  allClosed(withinMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Answers each request 200 and streams its body without end, recording each connection in `connections`. */
function hostileAnswer(
  mode: "endless" | "trickle",
  connections: VendorConnection[],
): (request: IncomingMessage, response: ServerResponse) => void {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  return (request, response) => {
    request.resume();
    const socket = request.socket;
    const seen: VendorConnection = { bytesWritten: 0 };
    connections.push(seen);
    // The client's FIN or RST is what counts: the vendor's own close may wait on its unsent buffer.
    const closed = () => {
      seen.closedAt ??= Date.now();
      clearInterval(timer);
    };
    socket.on("end", closed);
    socket.on("error", closed);
    socket.on("close", closed);
    response.writeHead(200, { "Content-Type": "application/json" });
    response.write('{"Messages":[');
    let timer: NodeJS.Timeout | undefined;
    if (mode === "trickle") {
      timer = setInterval(() => {
        if (!socket.destroyed) {
          response.write(" ");
          seen.bytesWritten = socket.bytesWritten;
        }
      }, 20);
      return;
    }
    const pump = () => {
      while (!socket.destroyed && response.write(chunk)) seen.bytesWritten = socket.bytesWritten;
      seen.bytesWritten = socket.bytesWritten;
    };
    response.on("drain", pump);
    pump();
  };
}

/**
 * Starts a vendor that answers 200 `application/json` and then streams its body without end: `endless`
 * writes 64 KiB chunks as fast as the client reads, `trickle` writes one byte every 20 ms. Pass a key pair
 * to serve https.
 */
export async function startHostileVendor(
  mode: "endless" | "trickle",
  tls?: { cert: string; key: string },
): Promise<HostileVendor> {
  const connections: VendorConnection[] = [];
  const sockets = new Set<Socket>();
  const handler = hostileAnswer(mode, connections);
  const server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  trackSockets(server, sockets);
  trackSockets(server, sockets, "secureConnection");
  const port = await listen(server);
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    connections,
    async connected() {
      while (connections.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    },
    async allClosed(withinMs) {
      const deadline = Date.now() + withinMs;
      while (Date.now() < deadline) {
        if (connections.length > 0 && connections.every((c) => c.closedAt !== undefined)) return true;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return connections.length > 0 && connections.every((c) => c.closedAt !== undefined);
    },
    close: () => closeServer(server, sockets),
  };
}
