import { Transform } from "node:stream";
import { declaredWithinLimit, MAX_RESPONSE_BYTES, ResponseTooLargeError } from "@posse/mail-core/provider";

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
 * Caps the body of an SDK response in place: a Node stream body is replaced by one that fails with
 * {@link ResponseTooLargeError} past `maxBytes`, unless its declared length is within the cap.
 */
export function limitResponse(response: SdkHttpResponse, maxBytes: number = MAX_RESPONSE_BYTES): void {
  const headers = response.headers;
  const declared = declaredWithinLimit(headers?.["content-length"], headers?.["content-encoding"], maxBytes);
  if (isNodeBody(response.body) && !declared) {
    response.body = limitBodyStream(response.body, maxBytes);
  }
}
