// The socket tracker's own connect timeout (it replaces nodemailer's, which a supplied socket skips): a
// server that never completes the TCP handshake fails the send with TIMEOUT, certainly not sent.
import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fromSmtpError } from "../src/map-error.js";

/** A socket whose connection never completes. */
class HangingSocket extends EventEmitter {
  destroyed = false;
  readonly refs: string[] = [];
  destroy(error?: Error) {
    this.destroyed = true;
    if (error) this.emit("error", error);
    this.emit("close");
  }
  ref() {
    this.refs.push("ref");
  }
  unref() {
    this.refs.push("unref");
  }
}

const opened: HangingSocket[] = [];
vi.mock("node:net", async (original) => ({
  ...(await original<typeof import("node:net")>()),
  connect: () => {
    const socket = new HangingSocket();
    opened.push(socket);
    return socket;
  },
}));

afterEach(() => {
  vi.useRealTimers();
  opened.splice(0);
});

describe("smtp socket tracker", () => {
  it("gives up on a connection after the timeout: TIMEOUT, certainly not sent", async () => {
    vi.useFakeTimers();
    const { trackSockets } = await import("../src/sockets.js");
    const tracker = trackSockets(5_000);
    const release = tracker.hold();
    const result = new Promise<Error | null>((resolve) => {
      tracker.getSocket({ host: "smtp.example.com", port: 587 }, (error) => resolve(error));
    });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(opened[0]!.destroyed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await result;
    expect(error).toMatchObject({ code: "ETIMEDOUT", timeoutType: "CONNECT_TIMEOUT" });
    expect(fromSmtpError(error)).toMatchObject({ code: "TIMEOUT", provider: "smtp", outcomeUnknown: false });
    release();
    await expect(tracker.allClosed()).resolves.toBeUndefined();
  });

  it("holds the process only while a send is under way, and while closing", async () => {
    const { trackSockets } = await import("../src/sockets.js");
    const tracker = trackSockets(5_000);
    const release = tracker.hold();
    tracker.getSocket({ host: "127.0.0.1", port: 25 }, () => {});
    const socket = opened[0]!;
    expect(socket.refs).toEqual([]);
    release();
    expect(socket.refs).toEqual(["unref"]);
    tracker.hold();
    expect(socket.refs).toEqual(["unref", "ref"]);
    const closed = tracker.allClosed();
    socket.destroy();
    await closed;
  });
});
