import { connect, type Socket } from "node:net";

/** What nodemailer hands its `getSocket` hook. */
interface SocketRequest {
  readonly host?: string | undefined;
  readonly port?: number | undefined;
}

/** nodemailer's `getSocket` callback: an error, or a connected socket it then speaks SMTP (and TLS) over. */
type SocketCallback = (error: Error | null, socket?: { connection: Socket }) => void;

/**
 * The TCP connections of one transport, opened for nodemailer through its `getSocket` hook so that the
 * transport can tell when every one of them has closed, and keep the process alive only while a caller
 * waits on them: an idle pooled connection must not keep a short script from exiting.
 */
export interface SocketTracker {
  /** nodemailer's `getSocket` hook: connects to the server within the timeout and tracks the socket. */
  readonly getSocket: (request: SocketRequest, callback: SocketCallback) => void;
  /** Marks a send or verify as under way until the returned function runs; sockets hold the process meanwhile. */
  hold(): () => void;
  /** Resolves once every socket has closed; they hold the process until then. */
  allClosed(): Promise<void>;
}

function connectTimeout(timeoutMs: number): Error {
  // nodemailer's own shape for it, which map-error reads as "never connected, so not sent".
  return Object.assign(new Error(`Connection timeout: no connection within ${timeoutMs} ms`), {
    code: "ETIMEDOUT",
    timeoutType: "CONNECT_TIMEOUT",
  });
}

/** A tracker whose connection attempts give up after `timeoutMs`. */
export function trackSockets(timeoutMs: number): SocketTracker {
  const sockets = new Set<Socket>();
  let holds = 0;
  let closing = false;
  const keepAlive = () => holds > 0 || closing;

  return {
    getSocket(request, callback) {
      const socket = connect({ host: request.host ?? "localhost", port: request.port ?? 587 });
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
      if (!keepAlive()) socket.unref();
      // A caller awaits this connection: the timer keeps the process alive (it is not unref'd).
      const timer = setTimeout(() => socket.destroy(connectTimeout(timeoutMs)), timeoutMs);
      const settle = (error?: Error) => {
        clearTimeout(timer);
        socket.off("connect", onConnect);
        socket.off("error", settle);
        if (error) callback(error);
        else callback(null, { connection: socket });
      };
      const onConnect = () => settle();
      socket.once("connect", onConnect);
      socket.once("error", settle);
    },
    hold() {
      holds += 1;
      if (holds === 1) for (const socket of sockets) socket.ref();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        holds -= 1;
        if (!keepAlive()) for (const socket of sockets) socket.unref();
      };
    },
    async allClosed() {
      closing = true;
      const open = [...sockets];
      for (const socket of open) socket.ref();
      await Promise.all(open.map((socket) => new Promise((resolve) => socket.once("close", resolve))));
    },
  };
}
