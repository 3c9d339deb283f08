import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:net";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { limitResponseBody, ResponseTooLargeError } from "../src/provider.js";

// An answer that declares its length needs no wrapping stream when the length is within the limit: HTTP
// framing ends the body there. These run against a raw loopback socket, so the server can lie.

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A server that answers every request with `head` (status line and headers) and then `body` raw. */
async function rawVendor(head: string, body: Buffer): Promise<string> {
  server = createServer((socket) => {
    socket.once("data", () => {
      socket.write(`${head}\r\nConnection: close\r\n\r\n`);
      socket.end(body);
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe("limitResponseBody and Content-Length", () => {
  it("returns an uncompressed answer that declares a length within the limit as it is", async () => {
    const url = await rawVendor(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10",
      Buffer.from('{"id":"a"}'),
    );
    const response = await fetch(url);
    const limited = limitResponseBody(response, 10);
    expect(limited).toBe(response);
    expect(await limited.json()).toEqual({ id: "a" });
  });

  it("never reads more than the declared length, however much the server sends after it", async () => {
    const url = await rawVendor(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5",
      Buffer.alloc(2 * 1024 * 1024, 0x61),
    );
    const limited = limitResponseBody(await fetch(url), 10);
    expect(await limited.text()).toBe("aaaaa");
  });

  it("still caps a compressed answer whose declared length is small but inflates past the limit", async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024, 0x61));
    const url = await rawVendor(
      `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nContent-Length: ${bomb.length}`,
      bomb,
    );
    const limited = limitResponseBody(await fetch(url), 1024);
    await expect(limited.text()).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it("still caps an answer that declares a length past the limit", async () => {
    const url = await rawVendor(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11",
      Buffer.from("x".repeat(11)),
    );
    const limited = limitResponseBody(await fetch(url), 10);
    await expect(limited.text()).rejects.toBeInstanceOf(ResponseTooLargeError);
  });
});
