/** Largest vendor answer a provider reads, in bytes; a send's success or error body is a few KB. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** What a body read rejects with once a vendor's answer passes the limit (the socket is then closed). */
export class ResponseTooLargeError extends Error {
  override readonly name = "ResponseTooLargeError";
  /** Machine-readable code, like a Node system error's. */
  readonly code = "ERR_RESPONSE_TOO_LARGE";

  constructor(readonly maxBytes: number) {
    super(`the answer was larger than ${maxBytes} bytes; stopped reading it`);
  }
}

/**
 * True when an answer's headers declare a length within `maxBytes` and no compression: HTTP framing then
 * ends the body at that length (neither Node's fetch nor its HTTP parser hands on more than Content-Length
 * bytes), so it needs no counting stream. A compressed answer is counted as it is decoded, since a small one
 * can inflate hugely.
 */
export function declaredWithinLimit(
  contentLength: string | null | undefined,
  contentEncoding: string | null | undefined,
  maxBytes: number,
): boolean {
  if (contentLength == null || !/^\d{1,15}$/.test(contentLength) || Number(contentLength) > maxBytes)
    return false;
  return contentEncoding == null || contentEncoding.trim().toLowerCase() === "identity";
}

/**
 * The same response, with a body that fails with {@link ResponseTooLargeError} and cancels the download
 * as soon as more than `maxBytes` arrive, however the SDK reads it (`json()`, `text()`, the stream). An
 * uncompressed answer whose Content-Length is within the limit is returned as it is.
 */
export function limitResponseBody(response: Response, maxBytes: number = MAX_RESPONSE_BYTES): Response {
  const body = response.body;
  const { headers } = response;
  if (
    body === null ||
    declaredWithinLimit(headers.get("content-length"), headers.get("content-encoding"), maxBytes)
  )
    return response;
  const reader = body.getReader();
  let received = 0;
  const limited = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      received += value.byteLength;
      if (received > maxBytes) {
        controller.error(new ResponseTooLargeError(maxBytes));
        await reader.cancel().catch(() => {});
        return;
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const capped = new Response(limited, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // `url` and `redirected` are read-only getters on Response; SDKs use `url` in error messages.
  Object.defineProperties(capped, {
    url: { value: response.url },
    redirected: { value: response.redirected },
  });
  return capped;
}

/** A capped answer's text, or undefined when it passed the size limit (the download is then cancelled). */
export async function readCappedText(response: Response): Promise<string | undefined> {
  try {
    return await response.text();
  } catch (error) {
    if (error instanceof ResponseTooLargeError) return undefined;
    throw error;
  }
}

/**
 * Wraps a fetch so that every answer's body is read through {@link limitResponseBody} (counted as decoded,
 * so a compressed answer cannot inflate past the limit) and no redirect is followed: a 3xx is the answer,
 * since following a 307 would re-post the message to whatever host it names.
 */
export function limitedFetch(
  fetchImpl: typeof fetch = fetch,
  maxBytes: number = MAX_RESPONSE_BYTES,
): typeof fetch {
  return async (input, init) =>
    limitResponseBody(await fetchImpl(input, { ...init, redirect: "manual" }), maxBytes);
}
