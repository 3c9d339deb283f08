import { createServer as createHttpServer, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { closeServer, listen, trackSockets } from "./loopback-server.js";

/** What a {@link LoopbackVendor} has done so far: requests answered and bytes of body written. */
export interface LoopbackVendorStats {
  requests: number;
  written: number;
}

/** How a {@link LoopbackVendor} answers a request; it may count what it writes in `stats.written`. */
export type VendorAnswer = (response: ServerResponse, stats: LoopbackVendorStats) => void;

/** A loopback vendor that answers every request through a {@link VendorAnswer}. */
export interface LoopbackVendor {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly stats: LoopbackVendorStats;
  /** Resolves when the server's side of the first answer's socket has closed. */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/** Starts a plain-http vendor on 127.0.0.1 that counts requests and answers each one with `answer`. */
export async function startLoopbackVendor(answer: VendorAnswer): Promise<LoopbackVendor> {
  const stats: LoopbackVendorStats = { requests: 0, written: 0 };
  const sockets = new Set<Socket>();
  let onClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    onClosed = resolve;
  });
  const server = createHttpServer((request, response) => {
    stats.requests += 1;
    request.resume();
    response.socket?.on("close", onClosed);
    answer(response, stats);
  });
  trackSockets(server, sockets);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, stats, closed, close: () => closeServer(server, sockets) };
}

/** An answer with a fixed status, content type and body. */
export function fixedAnswer(status: number, contentType: string, body: string): VendorAnswer {
  return (response) => {
    response.writeHead(status, { "content-type": contentType });
    response.end(body);
  };
}

/** Where an {@link endlessAnswer} stops: far more than any limit plus socket buffers. */
const ENDLESS_GIVES_UP_AFTER = 64 * 1024 * 1024;

/**
 * An answer with `status` and an `application/json` body that starts with `opening` and never ends (or
 * ends after 64 MiB): 64 KiB a write as fast as the reader takes them, or with `trickle`, 1 KiB every 20 ms.
 */
export function endlessAnswer(status: number, opening: string, trickle = false): VendorAnswer {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  return (response, stats) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.write(opening);
    if (trickle) {
      const timer = setInterval(() => {
        stats.written += 1024;
        response.write(chunk.subarray(0, 1024));
      }, 20);
      response.on("close", () => clearInterval(timer));
      return;
    }
    const pump = () => {
      while (!response.destroyed && stats.written < ENDLESS_GIVES_UP_AFTER) {
        stats.written += chunk.length;
        if (!response.write(chunk)) return;
      }
      if (!response.destroyed) response.end('"}');
    };
    response.on("drain", pump);
    pump();
  };
}
