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

type Handler = Record<string | symbol, unknown>;
type Method = (...args: unknown[]) => unknown;

// Node's fetch reads its dispatcher from this global (Node sets it when it loads fetch; an app's proxy
// agent set with undici's setGlobalDispatcher lands here too).
const GLOBAL_DISPATCHER = Symbol.for("undici.globalDispatcher.1");

/**
 * A `dispatcher` for Node's built-in fetch, for SDKs that call the global fetch but pass our request options
 * through to it (Resend does). It hands each request to the global dispatcher, so an app's own agent or proxy
 * still applies, and around it records the answer's status and aborts the download (closing the socket) once
 * more than `maxBytes` of body arrive. It speaks both undici handler APIs: onHeaders/onData (undici 6,
 * Node 20 and 22) and onResponseStart/onResponseData (undici 7, Node 24).
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
      let abort: ((reason: Error) => void) | undefined;
      const overLimit = (bytes: number) => {
        received += bytes;
        if (received <= maxBytes) return false;
        exchange.tooLarge = new ResponseTooLargeError(maxBytes);
        return true;
      };
      const target = handler as Handler;
      const call = (name: string, args: unknown[]) => (target[name] as Method).apply(target, args);
      const hooks: Record<string, Method> = {
        onConnect: (abortRequest, ...rest) => {
          abort = abortRequest as (reason: Error) => void;
          return call("onConnect", [abortRequest, ...rest]);
        },
        onHeaders: (status, ...rest) => {
          exchange.status = status as number;
          return call("onHeaders", [status, ...rest]);
        },
        onData: (chunk) => {
          if (!overLimit((chunk as Uint8Array).byteLength)) return call("onData", [chunk]);
          abort?.(exchange.tooLarge!);
          return false;
        },
        onError: (error) => {
          exchange.failure = error;
          return call("onError", [error]);
        },
        onResponseError: (controller, error) => {
          exchange.failure = error;
          return call("onResponseError", [controller, error]);
        },
        onResponseStart: (controller, status, ...rest) => {
          exchange.status = status as number;
          return call("onResponseStart", [controller, status, ...rest]);
        },
        onResponseData: (controller, chunk) => {
          if (!overLimit((chunk as Uint8Array).byteLength))
            return call("onResponseData", [controller, chunk]);
          (controller as { abort(reason: Error): void }).abort(exchange.tooLarge!);
          return undefined;
        },
      };
      const watched = new Proxy(target, {
        get(object, property) {
          const value = Reflect.get(object, property);
          if (typeof value !== "function") return value;
          return typeof property === "string" && Object.hasOwn(hooks, property)
            ? hooks[property]
            : value.bind(object);
        },
      });
      return inner.dispatch(options, watched);
    },
  };
}
