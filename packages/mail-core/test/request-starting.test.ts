// The HTTP layer's `requestStarting` against real loopback servers: it runs once the request is about to
// leave and before the server receives any byte of it, never for a request that could not connect, and a
// rejection sends nothing. requestCapped (node:http) waits for the connection; the fetch dispatcher runs it
// when fetch hands the request over.
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer, Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { MailError } from "../src/index.js";
import {
  announcingDispatcher,
  type FetchDispatcher,
  holdUntilStarted,
  requestCapped,
} from "../src/provider.js";
import { testTlsFiles } from "../src/testing/index.js";

interface Vendor {
  readonly url: URL;
  /** Connections accepted, and bytes received over all of them. */
  readonly seen: { connections: number; bytes: number; requests: number };
  /** Whether `started` was true when each request's headers arrived. */
  readonly startedAtArrival: boolean[];
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

async function vendor(started: () => boolean): Promise<Vendor> {
  const seen = { connections: 0, bytes: 0, requests: 0 };
  const startedAtArrival: boolean[] = [];
  const server = createServer((request, response) => {
    seen.requests += 1;
    startedAtArrival.push(started());
    request.resume();
    request.on("end", () => response.end("ok"));
  });
  server.on("connection", (socket: Socket) => {
    seen.connections += 1;
    socket.on("data", (chunk: Buffer) => {
      seen.bytes += chunk.length;
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/send`), seen, startedAtArrival };
}

/** A port nothing listens on: a server bound and closed again. */
async function closedPort(): Promise<URL> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return new URL(`http://127.0.0.1:${port}/send`);
}

/** Lets pending I/O run, so bytes already written would have reached the server. */
async function ioTurns(count = 10): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

const post = (signal = new AbortController().signal) => ({
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: '{"subject":"hi"}',
  signal,
});

describe("requestCapped with requestStarting", () => {
  it("runs it once connected, before the vendor received a byte, on a new and on a reused connection", async () => {
    let started = false;
    const server = await vendor(() => started);
    const bytesWhenStarting: number[] = [];
    const connectionsWhenStarting: number[] = [];
    const requestStarting = async () => {
      await ioTurns();
      connectionsWhenStarting.push(server.seen.connections);
      bytesWhenStarting.push(server.seen.bytes);
      started = true;
    };
    const first = await requestCapped(server.url, { ...post(), requestStarting });
    const bytesAfterFirst = server.seen.bytes;
    started = false;
    const second = await requestCapped(server.url, { ...post(), requestStarting });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(server.seen.connections).toBe(1); // the second request reused the kept-alive connection
    expect(connectionsWhenStarting).toEqual([1, 1]);
    expect(bytesWhenStarting).toEqual([0, bytesAfterFirst]);
    expect(server.startedAtArrival).toEqual([true, true]);
  });

  it("never runs it when the connection is refused", async () => {
    let calls = 0;
    const refused = requestCapped(await closedPort(), {
      ...post(),
      requestStarting: async () => {
        calls += 1;
      },
    });
    await expect(refused).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect(calls).toBe(0);
  });

  it("sends nothing when it rejects, and rejects with its error", async () => {
    const server = await vendor(() => true);
    const refusal = new MailError("UNKNOWN", "marked by another run", { outcomeUnknown: true });
    const refused = requestCapped(server.url, { ...post(), requestStarting: () => Promise.reject(refusal) });
    await expect(refused).rejects.toBe(refusal);
    await ioTurns();
    expect(server.seen).toEqual({ connections: 1, bytes: 0, requests: 0 });
  });
});

describe("holdUntilStarted over TLS", () => {
  it("runs requestStarting once the handshake is done, before the server receives a byte of the request", async () => {
    const tls = testTlsFiles(fileURLToPath(new URL("../../mail-smtp/test/fixtures", import.meta.url)));
    let started = false;
    let requestBytes = 0;
    const arrivals: boolean[] = [];
    const server = createHttpsServer({ cert: tls.cert, key: tls.key }, (request, response) => {
      arrivals.push(started);
      request.resume();
      request.on("end", () => response.end("ok"));
    });
    server.on("secureConnection", (socket: Socket) =>
      socket.on("data", (chunk: Buffer) => (requestBytes += chunk.length)),
    );
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    servers.push(server);
    const agent = new HttpsAgent({ keepAlive: true, ca: readFileSync(tls.ca) });
    const protocols: (string | null)[] = [];
    const bytesWhenStarting: number[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        started = false;
        await new Promise((resolve, reject) => {
          const { port } = server.address() as AddressInfo;
          const request = httpsRequest(
            { host: "127.0.0.1", port, method: "POST", path: "/", agent },
            (answer) => {
              answer.resume();
              answer.on("end", resolve);
            },
          );
          request.on("error", reject);
          holdUntilStarted(request, async () => {
            await ioTurns();
            protocols.push((request.socket as TLSSocket).getProtocol());
            bytesWhenStarting.push(requestBytes);
            started = true;
          });
          request.end("hi");
        });
      }
    } finally {
      agent.destroy();
    }
    // "unknown" until the handshake is done.
    expect(protocols).toEqual([
      expect.stringMatching(/^TLSv1\.[23]$/),
      expect.stringMatching(/^TLSv1\.[23]$/),
    ]);
    expect(bytesWhenStarting[0]).toBe(0);
    expect(arrivals).toEqual([true, true]);
  });
});

// Node's fetch reads its dispatcher from this global, set once fetch is loaded: read at each request.
const GLOBAL_DISPATCHER = Symbol.for("undici.globalDispatcher.1");
const globalDispatcher = (): FetchDispatcher => ({
  dispatch: (options, handler) =>
    (globalThis as Record<symbol, FetchDispatcher>)[GLOBAL_DISPATCHER]!.dispatch(options, handler),
});

describe("announcingDispatcher", () => {
  it("hands the request to fetch's dispatcher once requestStarting resolved", async () => {
    let started = false;
    const server = await vendor(() => started);
    const dispatcher = announcingDispatcher(globalDispatcher(), async () => {
      await ioTurns();
      expect(server.seen.connections).toBe(0);
      started = true;
    });
    const answer = await fetch(server.url, { ...post(), dispatcher } as unknown as RequestInit);
    expect(await answer.text()).toBe("ok");
    expect(server.startedAtArrival).toEqual([true]);
  });

  it("sends nothing when requestStarting rejects: fetch fails with it as the cause", async () => {
    const server = await vendor(() => true);
    const refusal = new Error("marked by another run");
    const dispatcher = announcingDispatcher(globalDispatcher(), () => Promise.reject(refusal));
    const failed = fetch(server.url, { ...post(), dispatcher } as unknown as RequestInit);
    await expect(failed).rejects.toMatchObject({ cause: refusal });
    await ioTurns();
    expect(server.seen.connections).toBe(0);
  });

  it("sends nothing when the call was aborted while requestStarting ran", async () => {
    const server = await vendor(() => true);
    const controller = new AbortController();
    const dispatcher = announcingDispatcher(
      globalDispatcher(),
      async () => controller.abort(new Error("caller gave up")),
      controller.signal,
    );
    const failed = fetch(server.url, { ...post(), dispatcher } as unknown as RequestInit);
    await expect(failed).rejects.toThrow();
    await ioTurns();
    expect(server.seen.connections).toBe(0);
  });
});
