import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import {
  limitedFetch,
  limitResponseBody,
  MAX_RESPONSE_BYTES,
  ResponseTooLargeError,
  readCappedText,
} from "../src/provider.js";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A vendor that streams an endless body; resolves with the server's URL and a count of closed sockets. */
async function endlessVendor() {
  const state = { closed: 0, sent: 0 };
  server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const timer = setInterval(() => {
      state.sent += chunk.length;
      response.write(chunk);
    }, 1);
    response.on("close", () => {
      clearInterval(timer);
      state.closed++;
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, state };
}

describe("limitResponseBody", () => {
  it("passes a body within the limit through unchanged, with status and headers", async () => {
    const original = new Response('{"id":"a"}', { status: 202, headers: { "x-message-id": "m-1" } });
    const limited = limitResponseBody(original, 10);
    expect(limited.status).toBe(202);
    expect(limited.headers.get("x-message-id")).toBe("m-1");
    expect(await limited.json()).toEqual({ id: "a" });
  });

  it("fails the read one byte past the limit", async () => {
    const limited = limitResponseBody(new Response("x".repeat(11)), 10);
    const error = await limited.text().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ code: "ERR_RESPONSE_TOO_LARGE", maxBytes: 10 });
  });

  it("keeps an empty body empty", async () => {
    const limited = limitResponseBody(new Response(null, { status: 204 }), 10);
    expect(limited.body).toBeNull();
  });
});

describe("readCappedText", () => {
  it("reads an answer within the limit as text", async () => {
    expect(await readCappedText(limitResponseBody(new Response("Queued. Thank you."), 18))).toBe(
      "Queued. Thank you.",
    );
  });

  it("gives undefined for an answer past the limit", async () => {
    expect(await readCappedText(limitResponseBody(new Response("x".repeat(11)), 10))).toBeUndefined();
  });

  it("passes any other read failure on", async () => {
    const broken = new Response(
      new ReadableStream({ pull: (controller) => controller.error(new Error("socket reset")) }),
    );
    await expect(readCappedText(limitResponseBody(broken, 10))).rejects.toThrow("socket reset");
  });
});

describe("limitedFetch", () => {
  it("stops downloading an endless answer at the limit and closes the socket", async () => {
    const vendor = await endlessVendor();
    const response = await limitedFetch(fetch, 256 * 1024)(vendor.url);
    await expect(response.text()).rejects.toBeInstanceOf(ResponseTooLargeError);
    await expect.poll(() => vendor.state.closed, { timeout: 2000 }).toBe(1);
    expect(vendor.state.sent).toBeLessThan(16 * 1024 * 1024);
  });

  it("returns a redirect as the answer: the location is never asked, even when the caller asks to follow", async () => {
    let followed = 0;
    const target = createServer((_request, response) => {
      followed++;
      response.end('{"id":"elsewhere"}');
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    const elsewhere = `http://127.0.0.1:${(target.address() as AddressInfo).port}/send`;
    server = createServer((_request, response) => {
      response.writeHead(307, { location: elsewhere });
      response.end();
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
    try {
      const response = await limitedFetch()(url, { method: "POST", body: "{}", redirect: "follow" });
      expect(response.status).toBe(307);
      expect(response.headers.get("location")).toBe(elsewhere);
    } finally {
      target.closeAllConnections();
      await new Promise((resolve) => target.close(resolve));
    }
    expect(followed).toBe(0);
  });

  it("counts a compressed answer as decoded: a 64 KiB gzip of 64 MiB stops at the limit", async () => {
    const bomb = gzipSync(Buffer.alloc(64 * MAX_RESPONSE_BYTES, 0x20));
    server = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      response.end(bomb);
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
    const response = await limitedFetch()(url);
    await expect(response.text()).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it("defaults to a 1 MiB limit", () => {
    expect(MAX_RESPONSE_BYTES).toBe(1024 * 1024);
  });
});
