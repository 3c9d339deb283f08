import { passCallSignal } from "./call-signal.js";
import { limitResponse, type SdkHttpResponse } from "./limit-response.js";
import { plainHttpGuard } from "./plain-http-guard.js";

/**
 * The one SDK middleware posse-mail adds (step `deserialize`, priority `low`: next to the HTTP handler,
 * so it sees the final, signed request and the raw answer first). Before sending: the plain-http guard
 * (the SDK also takes an endpoint from AWS_ENDPOINT_URL_SESV2, AWS_ENDPOINT_URL or ~/.aws/config) and the
 * call's abort signal handed to the request. After: the answer's body capped (the SDK reads any length).
 */
export function requestMiddleware(configuredEndpoint: string | undefined) {
  const guard = plainHttpGuard(configuredEndpoint);
  return <Args extends { input: unknown; request: unknown }, Result extends { response: unknown }>(
    next: (args: Args) => Promise<Result>,
  ) =>
    async (args: Args): Promise<Result> => {
      guard(args.request);
      passCallSignal(args.input, args.request);
      const result = await next(args);
      limitResponse(result.response as SdkHttpResponse);
      return result;
    };
}
