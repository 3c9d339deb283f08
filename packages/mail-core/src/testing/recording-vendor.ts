import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import { closeServer, listen, trackSockets } from "./loopback-server.js";

/** One request a {@link RecordingVendor} received. */
export interface VendorRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** A loopback vendor stub that records each request and answers it with a fixed response. */
export interface RecordingVendor {
  /** `http(s)://127.0.0.1:<port>`. */
  readonly url: string;
  readonly requests: readonly VendorRequest[];
  close(): Promise<void>;
}

/** Starts a vendor stub answering every request with `answer`; pass a key pair to serve https. */
export async function startRecordingVendor(
  answer: { status: number; contentType: string; body: string; headers?: Record<string, string> },
  tls?: { cert: string; key: string },
): Promise<RecordingVendor> {
  const requests: VendorRequest[] = [];
  const sockets = new Set<Socket>();
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests.push({
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      response.writeHead(answer.status, { "Content-Type": answer.contentType, ...answer.headers });
      response.end(answer.body);
    });
  };
  const server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  trackSockets(server, sockets);
  const port = await listen(server);
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    requests,
    close: () => closeServer(server, sockets),
  };
}
