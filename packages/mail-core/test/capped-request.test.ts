// requestCapped against real loopback servers: what the server receives, the answer's status, headers and
// text, the size cap (counted and declared), redirects left alone, and the socket closed on abort.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MailError } from "../src/index.js";
import {
  answerTooLargeError,
  ResponseTooLargeError,
  requestCapped,
  requestCappedFetch,
} from "../src/provider.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
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

async function serve(answer: (response: ServerResponse, seen: Seen) => void) {
  const seen: Seen[] = [];
  const sockets: Socket[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const entry = {
      method: request.method ?? "",
      url: request.url ?? "",
      headers: request.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    seen.push(entry);
    answer(response, entry);
  });
  server.on("connection", (socket) => sockets.push(socket));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/v3/send?x=1`), seen, sockets };
}

/** Resolves once every socket has closed (an `error` on the way is the client hanging up: expected). */
function allClosed(sockets: Socket[]) {
  return Promise.all(
    sockets.map(
      (socket) =>
        new Promise((resolve) => (socket.closed ? resolve(undefined) : socket.on("close", resolve))),
    ),
  );
}

const signal = () => new AbortController().signal;

describe("requestCapped", () => {
  it("sends the method, headers and body as given, with Content-Length, and reads status, headers and text", async () => {
    const server = await serve((response) => {
      response.writeHead(201, { "Content-Type": "application/json", "Retry-After": "7" });
      response.end('{"id":"ü-1"}');
    });
    const answer = await requestCapped(server.url, {
      method: "POST",
      headers: { Authorization: "Basic abc", "Content-Type": "application/json" },
      body: '{"to":"ann@example.com","text":"é"}',
      signal: signal(),
    });
    expect(answer.status).toBe(201);
    expect(answer.ok).toBe(true);
    expect(answer.text).toBe('{"id":"ü-1"}');
    expect(answer.headers.get("retry-after")).toBe("7");
    expect(answer.headers.get("Content-Type")).toBe("application/json");
    expect(answer.headers.get("x-missing")).toBeNull();
    const all: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      all[name] = value;
    });
    expect(all).toMatchObject({ "content-type": "application/json", "retry-after": "7" });
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0]).toMatchObject({
      method: "POST",
      url: "/v3/send?x=1",
      body: '{"to":"ann@example.com","text":"é"}',
    });
    expect(server.seen[0]!.headers).toMatchObject({
      authorization: "Basic abc",
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength('{"to":"ann@example.com","text":"é"}')),
    });
    // No compression asked for: a small answer is read as sent, and nothing inflates past the cap.
    expect(server.seen[0]!.headers["accept-encoding"]).toBeUndefined();
  });

  it("returns a redirect as the answer, without following it", async () => {
    const server = await serve((response) => {
      response.writeHead(307, { Location: "http://127.0.0.1:9/elsewhere" });
      response.end();
    });
    const answer = await requestCapped(server.url, {
      method: "POST",
      headers: {},
      body: "x",
      signal: signal(),
    });
    expect(answer).toMatchObject({ status: 307, ok: false, text: "" });
    expect(server.seen).toHaveLength(1);
  });

  it("stops at maxBytes of a chunked answer: text undefined, socket closed", async () => {
    const server = await serve((response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      const chunk = "x".repeat(1024);
      const write = () => {
        while (!response.destroyed && response.write(chunk)) {}
        if (!response.destroyed) response.once("drain", write);
      };
      write();
    });
    const answer = await requestCapped(server.url, {
      method: "GET",
      headers: {},
      signal: signal(),
      maxBytes: 64 * 1024,
    });
    expect(answer).toMatchObject({ status: 200, ok: true, text: undefined });
    await allClosed(server.sockets);
    expect(server.sockets.every((socket) => socket.closed)).toBe(true);
  });

  it("reads an answer of exactly maxBytes, and refuses one that declares more without reading it", async () => {
    const exact = await serve((response) => response.end("y".repeat(100)));
    expect(
      (await requestCapped(exact.url, { method: "GET", headers: {}, signal: signal(), maxBytes: 100 })).text,
    ).toBe("y".repeat(100));
    const declared = await serve((response) => {
      response.writeHead(200, { "Content-Length": "101" });
      response.write("z");
    });
    const answer = await requestCapped(declared.url, {
      method: "GET",
      headers: {},
      signal: signal(),
      maxBytes: 100,
    });
    expect(answer.text).toBeUndefined();
  });

  it("rejects with the signal's reason and closes the socket when aborted mid-answer", async () => {
    const controller = new AbortController();
    const server = await serve((response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.write("{");
      controller.abort(new Error("caller gave up"));
    });
    await expect(
      requestCapped(server.url, { method: "GET", headers: {}, signal: controller.signal }),
    ).rejects.toThrow("caller gave up");
    await allClosed(server.sockets);
    expect(server.sockets.every((socket) => socket.closed)).toBe(true);
  });

  it("rejects at once, without a request, when the signal is already aborted", async () => {
    const server = await serve((response) => response.end("{}"));
    const controller = new AbortController();
    controller.abort(new Error("already"));
    await expect(
      requestCapped(server.url, { method: "GET", headers: {}, signal: controller.signal }),
    ).rejects.toThrow("already");
    expect(server.seen).toHaveLength(0);
  });

  it("rejects with ECONNRESET when the connection closes before the answer ends", async () => {
    const server = await serve((response) => {
      response.writeHead(200, { "Content-Length": "50" });
      response.write("partial");
      setTimeout(() => response.socket?.destroy(), 10);
    });
    await expect(
      requestCapped(server.url, { method: "GET", headers: {}, signal: signal() }),
    ).rejects.toMatchObject({ code: "ECONNRESET" });
  });

  it("rejects with the system error when nothing listens", async () => {
    const server = await serve(() => {});
    const url = server.url;
    await new Promise((resolve) => servers.pop()!.close(resolve));
    await expect(requestCapped(url, { method: "GET", headers: {}, signal: signal() })).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
  });
});

describe("requestCappedFetch", () => {
  it("sends headers given as Headers, pairs or a record, the body and method, and answers like a Response", async () => {
    const server = await serve((response) => {
      response.writeHead(202, { "Content-Type": "application/json", "X-Message-Id": "m-1" });
      response.end('{"id":"m-1"}');
    });
    for (const headers of [
      new Headers({ Authorization: "Bearer k", "Content-Type": "application/json" }),
      [
        ["Authorization", "Bearer k"],
        ["Content-Type", "application/json"],
      ] as [string, string][],
      { Authorization: "Bearer k", "Content-Type": "application/json" },
    ]) {
      const response = await requestCappedFetch(server.url.href, {
        method: "POST",
        headers,
        body: '{"a":1}',
      });
      expect(response.status).toBe(202);
      expect(response.ok).toBe(true);
      expect(response.url).toBe(server.url.href);
      expect(response.headers.get("x-message-id")).toBe("m-1");
      expect(await response.json()).toEqual({ id: "m-1" });
    }
    expect(server.seen).toHaveLength(3);
    for (const seen of server.seen) {
      expect(seen).toMatchObject({ method: "POST", url: "/v3/send?x=1", body: '{"a":1}' });
      expect(seen.headers).toMatchObject({ authorization: "Bearer k", "content-type": "application/json" });
    }
  });

  it("fails text() with ResponseTooLargeError past the limit, the status still readable", async () => {
    const server = await serve((response) => {
      response.writeHead(200, { "Content-Length": String(2 * 1024 * 1024) });
      response.write("x");
    });
    const response = await requestCappedFetch(server.url, { signal: signal() });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it("rejects a body it cannot send as it is, and a Request input, before any request", async () => {
    const server = await serve((response) => response.end("{}"));
    await expect(
      requestCappedFetch(server.url, { method: "POST", body: new URLSearchParams({ a: "1" }) }),
    ).rejects.toThrow(TypeError);
    await expect(requestCappedFetch(new Request(server.url))).rejects.toThrow(TypeError);
    expect(server.seen).toHaveLength(0);
  });
});

describe("answerTooLargeError", () => {
  it("is UNKNOWN, not retryable, outcome unknown, and names the limit", () => {
    const error = answerTooLargeError("mailgun", 200);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({
      code: "UNKNOWN",
      provider: "mailgun",
      status: 200,
      retryable: false,
      outcomeUnknown: true,
    });
    expect(error.message).toContain("larger than 1048576 bytes");
  });
});
