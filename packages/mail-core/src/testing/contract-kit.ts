import { createServer } from "node:net";
import type { ProviderDefinition } from "../providers/define-provider.js";
import { createMailer } from "../sending/create-mailer.js";
import type { CreateMailerOptions, Mailer } from "../sending/mailer.js";
import { CONTRACT_FROM } from "./fixtures.js";

/** A mailer over one provider as contract tests want it: the fixtures' sender, no retries unless asked. */
export function createContractMailer<Config>(
  definition: ProviderDefinition<Config>,
  config: Config,
  options: Partial<CreateMailerOptions> = {},
): Promise<Mailer> {
  return createMailer({
    from: CONTRACT_FROM,
    providers: { definition, config },
    retry: { attempts: 1 },
    ...options,
  });
}

/** A loopback port that nothing listens on (bound, then released), for connection-refused tests. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** What a contract test keeps of one HTTP request: method, URL, headers and the parsed JSON body. */
export interface CapturedRequest {
  method: string;
  url: string;
  headers: Headers;
  body: unknown;
}

/** Reads a fetch `Request` with a JSON body (as a mock server's handler gets it) into a {@link CapturedRequest}. */
export async function captureJsonRequest(request: Request): Promise<CapturedRequest> {
  return { method: request.method, url: request.url, headers: request.headers, body: await request.json() };
}

/** A promise and the function that settles it, for a test to signal "reached" or "release" across handlers. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}
