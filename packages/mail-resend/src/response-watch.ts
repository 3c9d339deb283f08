import { MAX_RESPONSE_BYTES, ResponseTooLargeError } from "@posse/mail-core";

/** What a watch saw of one HTTP exchange, which the SDK's `{ data, error }` result does not say. */
export interface WatchedExchange {
  /** The answer's HTTP status, once its headers arrived. */
  status?: number;
  /** Set when the answer's body passed the size limit and the download was stopped. */
  tooLarge?: ResponseTooLargeError;
  /** What the request failed with (a refused connection, a failed TLS handshake); the SDK drops it. */
  failure?: unknown;
}

/** The part of an undici dispatcher that fetch calls. */
interface Dispatcher {
  dispatch(options: object, handler: object): boolean;
}

type Handler = Record<string, unknown>;
type Method = (this: unknown, ...args: unknown[]) => unknown;

// Node's fetch reads its dispatcher from this global (Node sets it when it loads fetch; an app's proxy
// agent set with undici's setGlobalDispatcher lands here too).
const GLOBAL_DISPATCHER = Symbol.for("undici.globalDispatcher.1");

/**
 * Puts `watch(original)` in place of the handler's `name` method, when it has one. The handler stays the
 * same object, called as before, with the same `this`: a wrapper object or a Proxy around it would cost
 * a lookup (and a bound copy) on every callback of every request, and fetch's handler keeps its state on
 * `this`. undici itself patches handlers this way (its ProxyAgent wraps onHeaders).
 */
function watch(handler: Handler, name: string, watcher: (original: Method) => Method): void {
  const original = handler[name];
  if (typeof original === "function") handler[name] = watcher(original as Method);
}

/**
 * A `dispatcher` for Node's built-in fetch, for SDKs that call the global fetch but pass our request options
 * through to it (Resend does). It hands each request to the global dispatcher, so an app's own agent or proxy
 * still applies, and around it records the answer's status and aborts the download (closing the socket) once
 * more than `maxBytes` of body arrive. It speaks both undici handler APIs: onConnect, onHeaders, onData
 * (undici 6, Node 20 and 22) and onResponseStart, onResponseData (undici 7, Node 24).
 */
export function watchingDispatcher(
  exchange: WatchedExchange,
  maxBytes: number = MAX_RESPONSE_BYTES,
): Dispatcher {
  return {
    dispatch(options, handler) {
      const inner = (globalThis as Record<symbol, Dispatcher | undefined>)[GLOBAL_DISPATCHER];
      if (inner === undefined) throw new Error("Node's fetch has no global dispatcher");
      let received = 0;
      let abort: ((reason: unknown) => void) | undefined;
      const overLimit = (bytes: number) => {
        received += bytes;
        if (received <= maxBytes) return false;
        exchange.tooLarge = new ResponseTooLargeError(maxBytes);
        return true;
      };
      const watchers: Record<string, (original: Method) => Method> = {
        onConnect: (original) =>
          function (this: unknown, ...args) {
            abort = args[0] as (reason: unknown) => void;
            return original.apply(this, args);
          },
        onHeaders: (original) =>
          function (this: unknown, ...args) {
            exchange.status = args[0] as number;
            return original.apply(this, args);
          },
        onResponseStart: (original) =>
          function (this: unknown, ...args) {
            exchange.status = args[1] as number;
            return original.apply(this, args);
          },
        onData: (original) =>
          function (this: unknown, chunk) {
            if (!overLimit((chunk as Uint8Array).byteLength)) return original.call(this, chunk);
            abort?.(exchange.tooLarge);
            return false;
          },
        onResponseData: (original) =>
          function (this: unknown, controller, chunk) {
            if (!overLimit((chunk as Uint8Array).byteLength)) return original.call(this, controller, chunk);
            (controller as { abort(reason: unknown): void }).abort(exchange.tooLarge);
            return undefined;
          },
        onError: (original) =>
          function (this: unknown, error) {
            exchange.failure = error;
            return original.call(this, error);
          },
        onResponseError: (original) =>
          function (this: unknown, controller, error) {
            exchange.failure = error;
            return original.call(this, controller, error);
          },
      };
      const target = handler as Handler;
      for (const name in watchers) watch(target, name, watchers[name]!);
      return inner.dispatch(options, target);
    },
  };
}
