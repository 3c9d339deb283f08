import { MailError } from "@posse/mail-core";
import { isLoopbackHost } from "@posse/mail-core/provider";

/** Where an endpoint the SDK sends to was set, for the error: the config field or the variable. */
function endpointSource(configured: string | undefined, env = process.env): string {
  if (configured !== undefined) return "endpoint";
  if (env.AWS_ENDPOINT_URL_SESV2) return "AWS_ENDPOINT_URL_SESV2";
  if (env.AWS_ENDPOINT_URL) return "AWS_ENDPOINT_URL";
  return "endpoint_url in the AWS shared config file";
}

/** The parts of the SDK's HTTP request this module reads. */
interface SdkHttpRequest {
  readonly protocol?: string;
  readonly hostname?: string;
}

/**
 * A check that refuses, with `CONFIG` and before anything is sent, a request over plain http to another
 * machine: it would carry the SigV4 signature and the whole message in clear. The SDK takes such an
 * endpoint from `endpoint`, `AWS_ENDPOINT_URL_SESV2`, `AWS_ENDPOINT_URL` or the shared config file alike.
 * The last loopback host allowed is remembered, so a plain-http test endpoint is not parsed on every send.
 */
export function plainHttpGuard(configuredEndpoint: string | undefined): (request: unknown) => void {
  let allowedHost: string | undefined;
  return (request) => {
    const { protocol, hostname = "" } = request as SdkHttpRequest;
    if (protocol !== "http:" || hostname === allowedHost) return;
    if (isLoopbackHost(hostname)) {
      allowedHost = hostname;
      return;
    }
    const source = endpointSource(configuredEndpoint);
    throw new MailError(
      "CONFIG",
      `amazon_ses refuses to send over plain http to another machine: ${source} names an http:// endpoint; use https:// (plain http only to localhost, for tests)`,
      { provider: "amazon_ses", field: source === "endpoint" ? "endpoint" : undefined },
    );
  };
}
