import {
  type CappedAnswer,
  MAX_RESPONSE_BYTES,
  ResponseTooLargeError,
  requestCapped,
} from "@posse/mail-core";

/** The request the Postmark SDK hands its `fetch` option: a URL string and plain-object headers. */
interface SdkRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/**
 * The part of a fetch `Response` the Postmark SDK reads (`status`, then `text()`; `ok` and `headers` for
 * good measure). A real Response would wrap the text in a web stream again, the per-send cost this avoids.
 * An answer over the size limit fails its `text()` with {@link ResponseTooLargeError}, as a capped fetch
 * body does, and its status stays readable.
 */
function sdkResponse(answer: CappedAnswer): Response {
  const { text } = answer;
  return {
    status: answer.status,
    ok: answer.ok,
    headers: answer.headers,
    text: () =>
      text === undefined
        ? Promise.reject(new ResponseTooLargeError(MAX_RESPONSE_BYTES))
        : Promise.resolve(text),
  } as Response;
}

/**
 * A `fetch` for the Postmark SDK's `fetch` option that sends with core's `requestCapped` (node:http/https
 * through the global agent, which costs far less CPU per send than Node's fetch): `signal` (the core's)
 * replaces the SDK's own timeout signal and closes the socket, the answer is read up to 1 MiB, no redirect
 * is followed (a 3xx is the answer, so the token never goes to another host) and no proxy variable is read.
 */
export function cappedFetch(signal: AbortSignal): typeof fetch {
  return async (input, init) => {
    const request = (init ?? {}) as SdkRequest;
    const answer = await requestCapped(new URL(String(input)), {
      method: request.method ?? "GET",
      headers: request.headers ?? {},
      ...(request.body !== undefined && { body: request.body }),
      signal,
    });
    return sdkResponse(answer);
  };
}
