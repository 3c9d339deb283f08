import { MAX_RESPONSE_BYTES, ResponseTooLargeError } from "@posse/mail-core/provider";

/** What a watch saw of one HTTP exchange, which the SDK's `{ data, error }` result does not say. */
export interface WatchedExchange {
  /** The answer's HTTP status, once its headers arrived. */
  status?: number;
  /**
   * Why the download was stopped: the body passed the size limit, or the answer came compressed although
   * only `identity` was asked for (fetch would inflate it with no limit).
   */
  stopped?: Error;
  /** What the request failed with (a refused connection, a failed TLS handshake); the SDK drops it. */
  failure?: unknown;
}

/** The `Accept-Encoding` every request sends, so that no answer needs inflating. */
export const IDENTITY_ONLY = { "Accept-Encoding": "identity" } as const;

const CONTENT_ENCODING = "content-encoding";

/** The answer's Content-Encoding, from undici's raw header list (onHeaders) or header object (onResponseStart). */
function contentEncoding(headers: unknown): string {
  if (Array.isArray(headers)) {
    // Names are Buffers on undici 6: only one of the right length is turned into a string and compared.
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const name = headers[i] as { length: number };
      if (name.length === CONTENT_ENCODING.length && String(name).toLowerCase() === CONTENT_ENCODING)
        return String(headers[i + 1]);
    }
    return "";
  }
  const value = (headers as Record<string, unknown> | undefined)?.[CONTENT_ENCODING];
  return value === undefined ? "" : String(value);
}

/** The error that stops an answer compressed with `encoding`, or undefined for an uncompressed one. */
function compressedAnswer(encoding: string): Error | undefined {
  const coding = encoding.trim().toLowerCase();
  if (coding === "" || coding === "identity") return undefined;
  return new Error(
    `the answer came compressed (${coding.slice(0, 40)}) though only identity was asked for; stopped reading it`,
  );
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
 * more than `maxBytes` of body arrive, or at once when the answer is compressed: the cap counts bytes on the
 * wire, and fetch would inflate them without limit (requests ask for {@link IDENTITY_ONLY}). It speaks both
 * undici handler APIs: onHeaders/onData (undici 6, Node 20 and 22) and onResponseStart/onResponseData
 * (undici 7, Node 24).
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
        exchange.stopped = new ResponseTooLargeError(maxBytes);
        return true;
      };
      const target = handler as Handler;
      const call = (name: string, args: unknown[]) => (target[name] as Method).apply(target, args);
      const hooks: Record<string, Method> = {
        onConnect: (abortRequest, ...rest) => {
          abort = abortRequest as (reason: Error) => void;
          return call("onConnect", [abortRequest, ...rest]);
        },
        onHeaders: (status, headers, ...rest) => {
          exchange.status = status as number;
          const compressed = compressedAnswer(contentEncoding(headers));
          if (compressed === undefined) return call("onHeaders", [status, headers, ...rest]);
          exchange.stopped = compressed;
          abort?.(compressed);
          return false;
        },
        onData: (chunk) => {
          if (!overLimit((chunk as Uint8Array).byteLength)) return call("onData", [chunk]);
          abort?.(exchange.stopped!);
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
        onResponseStart: (controller, status, headers, ...rest) => {
          exchange.status = status as number;
          const compressed = compressedAnswer(contentEncoding(headers));
          if (compressed === undefined)
            return call("onResponseStart", [controller, status, headers, ...rest]);
          exchange.stopped = compressed;
          (controller as { abort(reason: Error): void }).abort(compressed);
          return undefined;
        },
        onResponseData: (controller, chunk) => {
          if (!overLimit((chunk as Uint8Array).byteLength))
            return call("onResponseData", [controller, chunk]);
          (controller as { abort(reason: Error): void }).abort(exchange.stopped!);
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
