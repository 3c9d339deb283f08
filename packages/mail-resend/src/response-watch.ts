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

/** A dispatch handler as fetch makes it; its methods are called on it, so they run with it as `this`. */
type Handler = Partial<Record<string, (...args: unknown[]) => unknown>>;
type Abort = (reason: Error) => void;

// Node's fetch reads its dispatcher from this global (Node sets it when it loads fetch; an app's proxy
// agent set with undici's setGlobalDispatcher lands here too).
const GLOBAL_DISPATCHER = Symbol.for("undici.globalDispatcher.1");

/** Counts an answer's body bytes; past the limit it records the error the download is stopped with. */
class BodyCount {
  private received = 0;

  constructor(
    private readonly exchange: WatchedExchange,
    private readonly maxBytes: number,
  ) {}

  /** The error to stop with once `chunk` takes the body past the limit; undefined while within it. */
  overLimit(chunk: Uint8Array): ResponseTooLargeError | undefined {
    this.received += chunk.byteLength;
    if (this.received <= this.maxBytes) return undefined;
    this.exchange.tooLarge ??= new ResponseTooLargeError(this.maxBytes);
    return this.exchange.tooLarge;
  }
}

// The two watches below stand in for fetch's handler: each method passes the call on to the same method of
// fetch's handler, called on it (fetch keeps its state on that handler's `this`). A class per
// handler API, one small object per request: a Proxy or per-request closures cost a measurable share of
// a send, as the callbacks run for every request and every chunk.

/** Watches a handler of undici 6's API (Node 20 and 22): onConnect, onHeaders, onData… */
class LegacyWatch {
  private abort: Abort | undefined;

  constructor(
    private readonly handler: Handler,
    private readonly exchange: WatchedExchange,
    private readonly count: BodyCount,
  ) {}

  onConnect(abort: Abort, context?: unknown) {
    this.abort = abort;
    return this.handler.onConnect?.(abort, context);
  }

  onResponseStarted() {
    return this.handler.onResponseStarted?.();
  }

  onHeaders(status: number, headers: unknown, resume: unknown, statusText: unknown) {
    this.exchange.status = status;
    return this.handler.onHeaders?.(status, headers, resume, statusText);
  }

  onData(chunk: Uint8Array) {
    const tooLarge = this.count.overLimit(chunk);
    if (tooLarge === undefined) return this.handler.onData?.(chunk);
    this.abort?.(tooLarge);
    return false;
  }

  onComplete(trailers: unknown) {
    return this.handler.onComplete?.(trailers);
  }

  onError(error: unknown) {
    this.exchange.failure = error;
    return this.handler.onError?.(error);
  }

  onUpgrade(status: number, headers: unknown, socket: unknown) {
    return this.handler.onUpgrade?.(status, headers, socket);
  }

  onBodySent(chunk: unknown) {
    return this.handler.onBodySent?.(chunk);
  }

  onRequestSent() {
    return this.handler.onRequestSent?.();
  }
}

/** Watches a handler of undici 7's API (Node 24): onRequestStart, onResponseStart, onResponseData… */
class ControllerWatch {
  constructor(
    private readonly handler: Handler,
    private readonly exchange: WatchedExchange,
    private readonly count: BodyCount,
  ) {}

  onRequestStart(controller: unknown, context: unknown) {
    return this.handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(controller: unknown, status: number, headers: unknown, socket: unknown) {
    return this.handler.onRequestUpgrade?.(controller, status, headers, socket);
  }

  onResponseStarted() {
    return this.handler.onResponseStarted?.();
  }

  onResponseStart(controller: unknown, status: number, headers: unknown, statusMessage: unknown) {
    this.exchange.status = status;
    return this.handler.onResponseStart?.(controller, status, headers, statusMessage);
  }

  onResponseData(controller: { abort(reason: Error): void }, chunk: Uint8Array) {
    const tooLarge = this.count.overLimit(chunk);
    if (tooLarge === undefined) return this.handler.onResponseData?.(controller, chunk);
    controller.abort(tooLarge);
    return undefined;
  }

  onResponseEnd(controller: unknown, trailers: unknown) {
    return this.handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: unknown, error: unknown) {
    this.exchange.failure = error;
    return this.handler.onResponseError?.(controller, error);
  }
}

/**
 * A `dispatcher` for Node's built-in fetch, for SDKs that call the global fetch but pass our request options
 * through to it (Resend does). It hands each request to the global dispatcher, so an app's own agent or proxy
 * still applies, and around it records the answer's status and aborts the download (closing the socket) once
 * more than `maxBytes` of body arrive. It speaks both undici handler APIs, told apart as undici 7 does (by
 * onRequestStart): onConnect/onHeaders/onData (undici 6, Node 20 and 22) and onRequestStart/
 * onResponseStart/onResponseData (undici 7, Node 24).
 */
export function watchingDispatcher(
  exchange: WatchedExchange,
  maxBytes: number = MAX_RESPONSE_BYTES,
): Dispatcher {
  return {
    dispatch(options, handler) {
      const inner = (globalThis as Record<symbol, Dispatcher | undefined>)[GLOBAL_DISPATCHER];
      if (inner === undefined) throw new Error("Node's fetch has no global dispatcher");
      const target = handler as Handler;
      const count = new BodyCount(exchange, maxBytes);
      const watch =
        typeof target.onRequestStart === "function"
          ? new ControllerWatch(target, exchange, count)
          : new LegacyWatch(target, exchange, count);
      return inner.dispatch(options, watch);
    },
  };
}
