// A vendor (or whatever answers in its place) that streams an endless body: the provider reads at most
// MAX_RESPONSE_BYTES of it, closes the socket, and reports UNKNOWN with an unknown outcome. A real loopback
// server, since the point is the bytes that cross a real socket.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { MAX_RESPONSE_BYTES, MailError } from "@posse/mail-core";
import { createContractMailer, createFakeClock, minimalMessage } from "@posse/mail-core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { postmarkProvider } from "../src/index.js";

// Far more than the limit plus socket buffers; a provider without a limit reads all of it.
const SERVER_GIVES_UP_AFTER = 64 * 1024 * 1024;
// The limit plus what loopback socket buffers and stream queues can hold when the reader stops.
const READ_AT_MOST = MAX_RESPONSE_BYTES + 12 * 1024 * 1024;

interface Streamer {
  readonly server: Server;
  readonly endpoint: string;
  readonly stats: { requests: number; written: number };
  /** Resolves when the server's side of the answer's socket has closed. */
  readonly closed: Promise<void>;
}

/**
 * Answers every request with `status` and a body that never ends (or ends after 64 MiB): 64 KiB a write as
 * fast as the reader takes them, or with `trickle`, 1 KiB every 20 ms.
 */
async function endlessBody(status: number, trickle = false): Promise<Streamer> {
  const stats = { requests: 0, written: 0 };
  let onClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    onClosed = resolve;
  });
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const server = createServer((request, response) => {
    stats.requests += 1;
    request.resume();
    response.socket?.on("close", onClosed);
    response.writeHead(status, { "content-type": "application/json" });
    response.write('{"MessageID":"');
    if (trickle) {
      const timer = setInterval(() => {
        stats.written += 1024;
        response.write(chunk.subarray(0, 1024));
      }, 20);
      response.on("close", () => clearInterval(timer));
      return;
    }
    const pump = () => {
      while (!response.destroyed && stats.written < SERVER_GIVES_UP_AFTER) {
        stats.written += chunk.length;
        if (!response.write(chunk)) return;
      }
      if (!response.destroyed) response.end('"}');
    };
    response.on("drain", pump);
    pump();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { server, endpoint: `http://127.0.0.1:${port}`, stats, closed };
}

let streamer: Streamer | undefined;
afterEach(async () => {
  streamer?.server.closeAllConnections();
  streamer?.server.close();
  streamer = undefined;
});

const config = (endpoint: string) => ({ serverToken: "pm-limit-SECRET-0001", endpoint });

describe("postmark response size", () => {
  it("stops reading an endless 200 body past the limit, closes the socket, and reports UNKNOWN", async () => {
    streamer = await endlessBody(200);
    const mailer = await createContractMailer(postmarkProvider, config(streamer.endpoint), {
      retry: { attempts: 3 },
    });
    const error = await mailer.send(minimalMessage).catch((e) => e);
    await streamer.closed;
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({
      code: "UNKNOWN",
      provider: "postmark",
      status: 200,
      outcomeUnknown: true,
    });
    expect(error.message).toContain(`larger than ${MAX_RESPONSE_BYTES} bytes`);
    expect(streamer.stats.written).toBeLessThan(READ_AT_MOST);
    expect(streamer.stats.requests).toBe(1);
  });

  it("keeps the status of an endless error body: a 503 stays UNAVAILABLE", async () => {
    streamer = await endlessBody(503);
    const mailer = await createContractMailer(postmarkProvider, config(streamer.endpoint));
    const error = await mailer.send(minimalMessage).catch((e) => e);
    await streamer.closed;
    expect(error).toMatchObject({ code: "UNAVAILABLE", provider: "postmark", status: 503 });
    expect(streamer.stats.written).toBeLessThan(READ_AT_MOST);
  });

  it("tears the connection down when the timeout fires while the body trickles in", async () => {
    streamer = await endlessBody(200, true);
    const clock = createFakeClock();
    const mailer = await createContractMailer(postmarkProvider, config(streamer.endpoint), {
      clock,
      timeoutMs: 5_000,
    });
    const send = mailer.send(minimalMessage).catch((e) => e);
    // Let the answer start arriving on the real socket, then fire the (fake) timeout.
    while (streamer.stats.written < 3 * 1024) await new Promise((resolve) => setTimeout(resolve, 10));
    await clock.advance(5_000);
    const error = await send;
    await streamer.closed;
    expect(error).toMatchObject({ code: "TIMEOUT", provider: "postmark", outcomeUnknown: true });
    expect(streamer.stats.written).toBeLessThan(READ_AT_MOST);
  });
});
