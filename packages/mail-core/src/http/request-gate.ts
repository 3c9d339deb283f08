import type { ClientRequest } from "node:http";
import type { Socket } from "node:net";

/**
 * Awaited once a request is about to leave for the vendor (a transport's `context.requestStarting`);
 * a rejection means: do not send.
 */
export type RequestStarting = () => Promise<void>;

/** Resolves true once `socket` can carry a request (connected; for TLS, past the handshake), false if it closed first. */
function whenConnected(socket: Socket): Promise<boolean> {
  if (!socket.connecting) return Promise.resolve(!socket.destroyed);
  const ready = "encrypted" in socket ? "secureConnect" : "connect";
  return new Promise((resolve) => {
    const settle = (connected: boolean) => {
      socket.off(ready, onReady);
      socket.off("close", onClose);
      resolve(connected);
    };
    const onReady = () => settle(true);
    const onClose = () => settle(false);
    socket.once(ready, onReady);
    socket.once("close", onClose);
  });
}

/**
 * Holds a `node:http`/`node:https` request's bytes (headers and body) until its connection is ready and
 * `requestStarting` resolved. The socket is corked when the agent hands it over (a pooled connection
 * reused, or a new one), and once it is connected (TLS handshake included) `requestStarting` runs and the
 * socket is uncorked. A connection that fails first never runs it (nothing left); a rejection destroys
 * the request with its error, so nothing is sent. Call it before the request's first tick ends.
 */
export function holdUntilStarted(request: ClientRequest, requestStarting: RequestStarting): void {
  request.once("socket", (socket: Socket) => {
    socket.cork();
    void whenConnected(socket).then(async (connected) => {
      if (!connected || request.destroyed) return;
      try {
        await requestStarting();
      } catch (error) {
        request.destroy(error as Error);
        return;
      }
      socket.uncork();
    });
  });
}
