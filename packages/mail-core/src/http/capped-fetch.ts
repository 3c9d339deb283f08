import { type CappedAnswer, requestCapped } from "./capped-request.js";
import type { RequestStarting } from "./request-gate.js";
import { MAX_RESPONSE_BYTES, ResponseTooLargeError } from "./response-limit.js";

// The signal of a request made without one: it never aborts. Made on first use, not at import.
let neverAborted: AbortSignal | undefined;
function unabortedSignal(): AbortSignal {
  neverAborted ??= new AbortController().signal;
  return neverAborted;
}

/** Request headers in any form `fetch` takes them, as a plain record. */
function headerRecord(headers: RequestInit["headers"]): Record<string, string> {
  if (headers === undefined) return {};
  if (headers instanceof Headers) {
    const record: Record<string, string> = {};
    headers.forEach((value, name) => {
      record[name] = value;
    });
    return record;
  }
  return Array.isArray(headers) ? Object.fromEntries(headers) : { ...(headers as Record<string, string>) };
}

function requestBody(body: RequestInit["body"]): string | Uint8Array | undefined {
  if (body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array)
    return body ?? undefined;
  throw new TypeError("requestCappedFetch sends a string or bytes body only");
}

/**
 * The part of a fetch `Response` that SDKs read, over an answer already read: no web stream is built again.
 * `text()` and `json()` fail with {@link ResponseTooLargeError} when the answer passed the size limit, as a
 * {@link limitedFetch} body does; the status stays readable.
 */
function responseOf(url: string, answer: CappedAnswer): Response {
  const read = () =>
    answer.text === undefined
      ? Promise.reject(new ResponseTooLargeError(MAX_RESPONSE_BYTES))
      : Promise.resolve(answer.text);
  return {
    status: answer.status,
    statusText: "",
    ok: answer.ok,
    headers: answer.headers,
    redirected: false,
    type: "basic",
    url,
    text: read,
    json: async () => JSON.parse(await read()),
  } as unknown as Response;
}

/**
 * A `fetch` for SDKs that take one (a `fetch` option), sending with {@link requestCapped} instead of Node's
 * fetch: about half the CPU per request, the answer read up to `MAX_RESPONSE_BYTES`, `init.signal` closing
 * the socket, no redirect followed and no proxy variable read. It takes a string or bytes body. With
 * `requestStarting`, the request waits for it once its connection is ready (see {@link requestCapped}).
 */
export async function requestCappedFetch(
  input: string | URL | Request,
  init: RequestInit = {},
  options: { readonly requestStarting?: RequestStarting } = {},
): Promise<Response> {
  if (input instanceof Request) throw new TypeError("requestCappedFetch takes a URL, not a Request");
  const url = String(input);
  const body = requestBody(init.body);
  const answer = await requestCapped(new URL(url), {
    method: init.method ?? "GET",
    headers: headerRecord(init.headers),
    ...(body !== undefined && { body }),
    signal: init.signal ?? unabortedSignal(),
    ...(options.requestStarting && { requestStarting: options.requestStarting }),
  });
  return responseOf(url, answer);
}
