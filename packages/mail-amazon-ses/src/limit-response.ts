import { Transform } from "node:stream";
import { MAX_RESPONSE_BYTES, ResponseTooLargeError } from "@posse/mail-core";

/** A Node stream as the SDK's HTTP handler returns the body (an `IncomingMessage`). */
interface NodeBody {
  pipe<T extends NodeJS.WritableStream>(destination: T): T;
  on(event: "error", listener: (error: Error) => void): unknown;
  destroy(error?: Error): unknown;
}

function isNodeBody(body: unknown): body is NodeBody {
  return typeof (body as NodeBody | undefined)?.pipe === "function";
}

/**
 * The body stream, failing with {@link ResponseTooLargeError} once more than `maxBytes` arrive; the
 * source (and with it the socket) is destroyed then, so the download stops.
 */
export function limitBodyStream(body: NodeBody, maxBytes: number = MAX_RESPONSE_BYTES): Transform {
  let received = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > maxBytes) {
        body.destroy();
        callback(new ResponseTooLargeError(maxBytes));
        return;
      }
      callback(null, chunk);
    },
  });
  body.on("error", (error) => limited.destroy(error));
  return body.pipe(limited);
}

/** The parts of the SDK's HTTP response this module touches. */
export interface SdkHttpResponse {
  headers?: Record<string, string | undefined>;
  body?: unknown;
}

/**
 * True when the answer declares a length within `maxBytes` and is not compressed: Node's HTTP parser
 * then ends the body at that length (bytes past it are never this answer's body), so it needs no
 * counting stream. The SDK does not inflate a compressed answer, but such a one is still counted.
 */
function withinDeclaredLength(headers: SdkHttpResponse["headers"], maxBytes: number): boolean {
  const length = headers?.["content-length"];
  if (length === undefined || !/^\d{1,15}$/.test(length) || Number(length) > maxBytes) return false;
  const encoding = headers?.["content-encoding"];
  return encoding === undefined || encoding.trim().toLowerCase() === "identity";
}

/**
 * Caps the body of an SDK response in place: a Node stream body is replaced by one that fails with
 * {@link ResponseTooLargeError} past `maxBytes`, unless its declared length is within the cap.
 */
export function limitResponse(response: SdkHttpResponse, maxBytes: number = MAX_RESPONSE_BYTES): void {
  if (isNodeBody(response.body) && !withinDeclaredLength(response.headers, maxBytes)) {
    response.body = limitBodyStream(response.body, maxBytes);
  }
}
