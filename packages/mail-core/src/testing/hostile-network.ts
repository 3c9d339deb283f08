import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, createServer as createNetServer, type Server, type Socket } from "node:net";
import { pathToFileURL } from "node:url";

/** One request a loopback proxy saw: the request line, its headers and (for plain requests) its body. */
export interface ProxiedRequest {
  readonly method: string;
  /** The request target: `host:port` for CONNECT, an absolute URL for a plain forward request. */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A forward proxy on 127.0.0.1 that records every request it gets. */
export interface RecordingProxy {
  /** `http://127.0.0.1:<port>`, for `HTTPS_PROXY` and friends. */
  readonly url: string;
  readonly requests: readonly ProxiedRequest[];
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : 0);
    });
  });
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Starts a recording forward proxy. A CONNECT to 127.0.0.1 is tunnelled (TLS then runs end to end);
 * a CONNECT anywhere else is refused with 403. A plain request (what a client sends when it skips the
 * tunnel) is answered 200 with `plainAnswer`, as a hostile or captive proxy would: the client must never
 * take that for the vendor's answer.
 */
export async function startRecordingProxy(
  plainAnswer = { contentType: "application/json", body: "{}" },
): Promise<RecordingProxy> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) return;
      const [line = "", ...fields] = buffered.subarray(0, end).toString("latin1").split("\r\n");
      const [method = "", target = ""] = line.split(" ");
      const headers = Object.fromEntries(
        fields.map((field) => {
          const colon = field.indexOf(":");
          return [field.slice(0, colon).trim().toLowerCase(), field.slice(colon + 1).trim()];
        }),
      );
      const rest = buffered.subarray(end + 4);
      if (method === "CONNECT") {
        client.off("data", onData);
        requests.push({ method, target, headers, body: "" });
        const [host, port] = target.split(":");
        if (host !== "127.0.0.1") {
          client.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
          return;
        }
        const upstream = connect(Number(port), host, () => {
          client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
          if (rest.length > 0) upstream.write(rest);
          client.pipe(upstream).pipe(client);
        });
        upstream.on("error", () => client.destroy());
        sockets.add(upstream);
        return;
      }
      const length = Number(headers["content-length"] ?? 0);
      if (rest.length < length) return;
      client.off("data", onData);
      requests.push({ method, target, headers, body: rest.subarray(0, length).toString("utf8") });
      const body = Buffer.from(plainAnswer.body);
      client.end(
        `HTTP/1.1 200 OK\r\nContent-Type: ${plainAnswer.contentType}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    client.on("data", onData);
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, requests, close: () => closeServer(server, sockets) };
}

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

/** The test CA (`ca.pem`) and server key pair for 127.0.0.1 / localhost, from mail-smtp's test fixtures. */
export function testTlsFiles(fixturesDir: string): { ca: string; cert: string; key: string } {
  return {
    ca: `${fixturesDir}/ca.pem`,
    cert: readFileSync(`${fixturesDir}/server.pem`, "utf8"),
    key: readFileSync(`${fixturesDir}/server.key`, "utf8"),
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
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const handler = (request: IncomingMessage, response: ServerResponse) => {
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
  const server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("secureConnection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
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
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    requests,
    close: () => closeServer(server, sockets),
  };
}

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
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
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

/** What a send in a child process ended with: the receipt, or the error's code and flags. */
export interface ChildSendResult {
  readonly receipt?: { provider: string; messageId: string };
  readonly error?: { code: string; outcomeUnknown: boolean; message: string };
}

// The child builds a mailer over the provider the entry exports and sends one message whose text is argv.
const SEND_CHILD = `
const [entry, providerId, configJson, text] = process.argv.slice(1);
const { createMailer } = await import("@posse/mail-core");
const mod = await import(entry);
const definition = Object.values(mod).find((value) => value && value.id === providerId);
const mailer = await createMailer({
  from: "Possy <possy@posseparty.example>",
  providers: { definition, config: JSON.parse(configJson) },
  retry: { attempts: 1 },
  timeoutMs: 10000,
});
try {
  const receipt = await mailer.send({ to: "ann@example.com", subject: "Hello", text });
  process.stdout.write(JSON.stringify({ receipt }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: { code: error.code, outcomeUnknown: error.outcomeUnknown, message: error.message } }));
}
`;

const PROXY_VARIABLES = /^(https?_proxy|all_proxy|no_proxy|npm_config_(https?_)?proxy|npm_config_noproxy)$/i;

/**
 * Sends one message (text `text`) through a built provider package in a fresh Node process, with `env`
 * added to an environment cleared of every proxy variable. `cwd` must resolve `@posse/mail-core`.
 */
export function sendInChildProcess(options: {
  readonly entry: string;
  readonly providerId: string;
  readonly config: unknown;
  readonly text: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}): Promise<ChildSendResult> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !PROXY_VARIABLES.test(name)));
  const args = [
    "--input-type=module",
    "-e",
    SEND_CHILD,
    pathToFileURL(options.entry).href,
    options.providerId,
    JSON.stringify(options.config),
    options.text,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd: options.cwd, env: { ...env, ...options.env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`child failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as ChildSendResult);
      },
    );
  });
}
