import { connect, createServer as createNetServer, type Socket } from "node:net";
import { closeServer, listen } from "./loopback-server.js";

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

/** What a proxy answers a plain (untunnelled) request with. */
interface PlainAnswer {
  readonly contentType: string;
  readonly body: string;
}

/** A request's line and headers, and the bytes after them; undefined until the head has arrived. */
function parseHead(buffered: Buffer) {
  const end = buffered.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const [line = "", ...fields] = buffered.subarray(0, end).toString("latin1").split("\r\n");
  const [method = "", target = ""] = line.split(" ");
  const headers: Record<string, string> = Object.fromEntries(
    fields.map((field) => {
      const colon = field.indexOf(":");
      return [field.slice(0, colon).trim().toLowerCase(), field.slice(colon + 1).trim()];
    }),
  );
  return { method, target, headers, rest: buffered.subarray(end + 4) };
}

/** Tunnels a CONNECT to 127.0.0.1 (`rest` is what the client sent after its head); refuses any other host. */
function tunnel(client: Socket, target: string, rest: Buffer, sockets: Set<Socket>): void {
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
}

function answerPlain(client: Socket, answer: PlainAnswer): void {
  const body = Buffer.from(answer.body);
  client.end(
    `HTTP/1.1 200 OK\r\nContent-Type: ${answer.contentType}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Starts a recording forward proxy. A CONNECT to 127.0.0.1 is tunnelled (TLS then runs end to end);
 * a CONNECT anywhere else is refused with 403. A plain request (what a client sends when it skips the
 * tunnel) is answered 200 with `plainAnswer`, as a hostile or captive proxy would: the client must never
 * take that for the vendor's answer.
 */
export async function startRecordingProxy(
  plainAnswer: PlainAnswer = { contentType: "application/json", body: "{}" },
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
      const head = parseHead(buffered);
      if (head === undefined) return;
      const { method, target, headers, rest } = head;
      if (method === "CONNECT") {
        client.off("data", onData);
        requests.push({ method, target, headers, body: "" });
        tunnel(client, target, rest, sockets);
        return;
      }
      const length = Number(headers["content-length"] ?? 0);
      if (rest.length < length) return;
      client.off("data", onData);
      requests.push({ method, target, headers, body: rest.subarray(0, length).toString("utf8") });
      answerPlain(client, plainAnswer);
    };
    client.on("data", onData);
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, requests, close: () => closeServer(server, sockets) };
}
