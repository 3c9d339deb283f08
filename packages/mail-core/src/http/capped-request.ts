import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { MailError } from "../errors/mail-error.js";
import { holdUntilStarted, type RequestStarting } from "./request-gate.js";
import { MAX_RESPONSE_BYTES } from "./response-limit.js";

/** One HTTP request as {@link requestCapped} sends it. */
export interface CappedRequest {
  /** HTTP method. */
  readonly method: string;
  /** Request headers; `Content-Length` is set from the body. */
  readonly headers: Readonly<Record<string, string>>;
  /** Request body. */
  readonly body?: string | Uint8Array;
  /** Aborts the request and closes its socket. */
  readonly signal: AbortSignal;
  /** Largest answer body read, in bytes. Default {@link MAX_RESPONSE_BYTES}. */
  readonly maxBytes?: number;
  /** Awaited once the connection is ready, before the request's first byte goes out ({@link holdUntilStarted}). */
  readonly requestStarting?: RequestStarting;
}

/** A vendor's answer as {@link requestCapped} reads it. */
export interface CappedAnswer {
  /** HTTP status. */
  readonly status: number;
  /** True for a 2xx status. */
  readonly ok: boolean;
  /** Response headers, looked up by name in any case, or each in turn (lower-case names), as `Headers` does. */
  readonly headers: {
    get(name: string): string | null;
    forEach(callback: (value: string, name: string) => void): void;
  };
  /** The body as UTF-8 text; undefined when it passed the size limit (the socket is then closed). */
  readonly text: string | undefined;
}

type HttpModule = Pick<typeof import("node:http"), "request">;
let modules: Promise<{ http: HttpModule; https: HttpModule }> | undefined;

// Loaded on the first request, not when core is imported. Read off `default` at each call, the module
// object itself, so an instrumentation that patches `request` (OpenTelemetry, MSW) sees these requests.
function nodeHttp() {
  modules ??= Promise.all([import("node:http"), import("node:https")]).then(([http, https]) => ({
    http: http.default,
    https: https.default,
  }));
  return modules;
}

function headerReader(headers: IncomingHttpHeaders): CappedAnswer["headers"] {
  const text = (value: string | string[]) => (Array.isArray(value) ? value.join(", ") : value);
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      return value === undefined ? null : text(value);
    },
    forEach(callback) {
      for (const [name, value] of Object.entries(headers))
        if (value !== undefined) callback(text(value), name);
    },
  };
}

function connectionClosed(): Error {
  return Object.assign(new Error("the connection closed before the answer ended"), { code: "ECONNRESET" });
}

/** Where {@link readAnswer} reports: the socket to close, the answer read, or the failure. */
interface AnswerHandlers {
  cut(): void;
  answered(answer: CappedAnswer): void;
  failed(error: unknown): void;
}

/**
 * Reads an answer's body up to `maxBytes`. Past it, or when the answer declares more, the socket is cut
 * and the answer has no text; a connection closed before the body ended is a failure.
 */
function readAnswer(response: IncomingMessage, maxBytes: number, handlers: AnswerHandlers): void {
  const status = response.statusCode ?? 0;
  const answer = (text: string | undefined): CappedAnswer => ({
    status,
    ok: status >= 200 && status < 300,
    headers: headerReader(response.headers),
    text,
  });
  const tooLarge = () => {
    handlers.cut();
    handlers.answered(answer(undefined));
  };
  const declared = response.headers["content-length"];
  if (declared !== undefined && Number(declared) > maxBytes) {
    tooLarge();
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  response.on("data", (chunk: Buffer) => {
    received += chunk.byteLength;
    if (received > maxBytes) return tooLarge();
    chunks.push(chunk);
  });
  response.on("end", () => handlers.answered(answer(Buffer.concat(chunks, received).toString("utf8"))));
  response.on("error", (error) => handlers.failed(error));
  // A connection closed before the body ended, without an error of its own.
  response.on("close", () => {
    if (!response.complete) handlers.failed(connectionClosed());
  });
}

/**
 * Sends one request with `node:http`/`node:https` through the global agent (keep-alive) and reads the
 * answer up to `maxBytes`: past it, or when the answer declares more, the socket is closed and `text` is
 * undefined. Redirects are not followed (a 3xx is the answer), no compression is asked for, and no
 * environment proxy variable is read. Rejects with the socket's error (a Node system error with its
 * `code`) when no complete answer arrived, or with the signal's reason once it aborts.
 */
export async function requestCapped(url: URL, init: CappedRequest): Promise<CappedAnswer> {
  const { http, https } = await nodeHttp();
  const maxBytes = init.maxBytes ?? MAX_RESPONSE_BYTES;
  init.signal.throwIfAborted();
  const body = typeof init.body === "string" ? Buffer.from(init.body) : init.body;
  const client = url.protocol === "https:" ? https : http;
  return new Promise<CappedAnswer>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      init.signal.removeEventListener("abort", onAbort);
      outcome();
    };
    const request = client.request(
      url,
      {
        method: init.method,
        headers: body === undefined ? init.headers : { ...init.headers, "Content-Length": body.byteLength },
      },
      (response) =>
        readAnswer(response, maxBytes, {
          cut: () => request.destroy(),
          answered: (answer) => settle(() => resolve(answer)),
          failed: (error) => settle(() => reject(error)),
        }),
    );
    const onAbort = () => {
      request.destroy(init.signal.reason);
      settle(() => reject(init.signal.reason));
    };
    init.signal.addEventListener("abort", onAbort, { once: true });
    request.on("error", (error) => settle(() => reject(error)));
    if (init.requestStarting) holdUntilStarted(request, init.requestStarting);
    request.end(body);
  });
}

/**
 * The error for a 2xx answer whose body passed the size limit: the vendor answered, but its acceptance
 * (the message id) could not be read, so the message may or may not have been sent.
 */
export function answerTooLargeError(
  provider: string,
  status: number,
  maxBytes: number = MAX_RESPONSE_BYTES,
): MailError {
  return new MailError(
    "UNKNOWN",
    `${provider} answered HTTP ${status} with a body larger than ${maxBytes} bytes; stopped reading it, so the message may or may not have been sent`,
    { provider, status, retryable: false, outcomeUnknown: true },
  );
}
