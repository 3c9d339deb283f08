import {
  type CappedAnswer,
  MAX_RESPONSE_BYTES,
  ResponseTooLargeError,
  requestCapped,
} from "@posse/mail-core";

/** The request the Brevo SDK hands its `fetch` option: a URL string, a Headers object, a string body. */
interface SdkRequest {
  readonly method?: string;
  readonly headers?: Headers;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

/**
 * The part of a fetch `Response` the Brevo SDK 6 reads (its fetcher: `status`, `headers.get`, `text()`,
 * and the fields it copies into `rawResponse`). A real Response would wrap the text in a web stream again,
 * the per-send cost this avoids. `text()` fails with `failure()` when there is no text to give: an answer
 * over the size limit, or a request that got no answer (made only then: an Error's stack costs).
 */
function sdkResponse(url: string, status: number, answer: CappedAnswer | undefined, failure: () => unknown) {
  const text = answer?.text;
  return {
    status,
    statusText: "",
    ok: status >= 200 && status < 300,
    headers: answer?.headers ?? { get: () => null },
    redirected: false,
    type: "basic",
    url,
    text: () => (text === undefined ? Promise.reject(failure()) : Promise.resolve(text)),
  } as unknown as Response;
}

/**
 * A `fetch` for the Brevo SDK's `fetch` option that sends with core's `requestCapped` (node:http/https
 * through the global agent, which costs far less CPU per send than Node's fetch): the SDK's signal (its
 * timeout joined with the core's) closes the socket, the answer is read up to 1 MiB, no redirect is
 * followed and no proxy variable is read.
 *
 * A failed request resolves too, with an answer whose body fails with the same error. The SDK clears its
 * own timeout timer only when fetch resolves; a rejected fetch (refused connection, abort) left that timer
 * holding the process open for the whole timeout. Reading the body rejects with the original error, so the
 * SDK reports it exactly as a rejected fetch (its status, never read, is 200: the SDK reads the body first).
 */
export async function cappedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = String(input);
  const request = (init ?? {}) as SdkRequest;
  const headers: Record<string, string> = {};
  request.headers?.forEach((value, name) => {
    headers[name] = value;
  });
  try {
    const answer = await requestCapped(new URL(url), {
      method: request.method ?? "GET",
      headers,
      ...(request.body !== undefined && { body: request.body }),
      signal: request.signal ?? new AbortController().signal,
    });
    return sdkResponse(url, answer.status, answer, () => new ResponseTooLargeError(MAX_RESPONSE_BYTES));
  } catch (error) {
    return sdkResponse(url, 200, undefined, () => error);
  }
}
