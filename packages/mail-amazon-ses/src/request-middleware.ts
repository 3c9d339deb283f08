import { passCall } from "./call-signal.js";
import { plainHttpGuard } from "./plain-http-guard.js";

/**
 * The one SDK middleware posse-mail adds (step `deserialize`, priority `low`: next to the HTTP handler,
 * so it sees the final, signed request). Before sending: the plain-http guard (the SDK also takes an
 * endpoint from AWS_ENDPOINT_URL_SESV2, AWS_ENDPOINT_URL or ~/.aws/config) and the call (its abort signal
 * and requestStarting) handed to the request for the handler (`capped-handler.ts`).
 */
export function requestMiddleware(configuredEndpoint: string | undefined) {
  const guard = plainHttpGuard(configuredEndpoint);
  return <Args extends { input: unknown; request: unknown }, Result>(next: (args: Args) => Promise<Result>) =>
    async (args: Args): Promise<Result> => {
      guard(args.request);
      passCall(args.input, args.request);
      return next(args);
    };
}
