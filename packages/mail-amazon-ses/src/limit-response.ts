import { Transform } from "node:stream";
import { MAX_RESPONSE_BYTES, ResponseTooLargeError } from "@posse/mail-core";

/** The parts of the SDK's HTTP response this module touches. */
interface SdkHttpResponse {
  body?: unknown;
}

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

/**
 * SDK middleware (step `deserialize`, priority `low`: it runs next to the HTTP handler, before the SDK's
 * deserializer reads the answer) that caps every response body: the SDK itself reads any length.
 */
export function limitResponseMiddleware(maxBytes: number = MAX_RESPONSE_BYTES) {
  return <Args, Result extends { response: unknown }>(next: (args: Args) => Promise<Result>) =>
    async (args: Args): Promise<Result> => {
      const result = await next(args);
      const response = result.response as SdkHttpResponse;
      if (isNodeBody(response.body)) response.body = limitBodyStream(response.body, maxBytes);
      return result;
    };
}
