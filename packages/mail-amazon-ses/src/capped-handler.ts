import { Readable } from "node:stream";
import {
  MAX_RESPONSE_BYTES,
  type RequestContext,
  ResponseTooLargeError,
  requestCapped,
} from "@posse/mail-core/provider";

/** The SDK's signed request, as far as this handler reads it. */
interface SdkHttpRequest {
  readonly method: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  readonly path: string;
  readonly query?: Record<string, string | readonly string[] | null>;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

/** The SDK's HTTP handler, as far as the SDK and this package use it. */
export interface SdkRequestHandler {
  handle(request: object, options?: Record<string, unknown>): Promise<unknown>;
  destroy?(): void;
  updateHttpClientConfig?(key: never, value: never): void;
  httpHandlerConfigs?(): unknown;
}

function urlOf(request: SdkHttpRequest): URL {
  const host =
    request.hostname.includes(":") && !request.hostname.startsWith("[")
      ? `[${request.hostname}]`
      : request.hostname;
  const url = new URL(`${request.protocol}//${host}${request.port ? `:${request.port}` : ""}${request.path}`);
  for (const [key, value] of Object.entries(request.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, item ?? "");
  }
  return url;
}

function bodyOf(body: unknown): string | Uint8Array | undefined {
  if (body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array) {
    return body ?? undefined;
  }
  throw new TypeError("amazon_ses: the SDK built a request body that is neither text nor bytes");
}

// A body over the size limit: reading it fails as the SDK's own stream would have, past the limit.
function tooLargeBody(): Readable {
  return new Readable({
    read() {
      this.destroy(new ResponseTooLargeError(MAX_RESPONSE_BYTES));
    },
  });
}

/**
 * The SDK's HTTP handler, over core's requestCapped in place of the SDK's own node:http handler: the SDK
 * signs and serialises, then each request goes out with its call's signal (`callOf`), its answer read up
 * to `MAX_RESPONSE_BYTES` (past it, reading the body fails with `ResponseTooLargeError`), and the call's
 * requestStarting awaited once the connection is ready, before the first byte.
 */
export function cappedHandler(
  callOf: (request: object) => Pick<RequestContext, "signal" | "requestStarting">,
): SdkRequestHandler {
  return {
    async handle(input) {
      const request = input as SdkHttpRequest;
      const { signal, requestStarting } = callOf(request);
      const body = bodyOf(request.body);
      const answer = await requestCapped(urlOf(request), {
        method: request.method,
        headers: request.headers,
        ...(body !== undefined && { body }),
        signal,
        requestStarting,
      });
      const headers: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const responseBody = answer.text === undefined ? tooLargeBody() : Buffer.from(answer.text, "utf8");
      return { response: { statusCode: answer.status, reason: "", headers, body: responseBody } };
    },
    httpHandlerConfigs: () => ({}),
    updateHttpClientConfig: () => {},
    // Connections are the global agent's (keep-alive), as for every requestCapped provider.
    destroy: () => {},
  };
}
