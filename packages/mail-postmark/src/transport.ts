import {
  type MailTransport,
  type ProviderContext,
  type RequestContext,
  refusePlainHttp,
  requestCappedFetch,
} from "@posse/mail-core/provider";
import type { Errors } from "postmark";
import type { PostmarkConfig } from "./config.js";
import { fromPostmarkError, type SeenExchange } from "./map-error.js";
import { toPostmarkEmail } from "./map-message.js";
import { POSTMARK_MAX_BATCH, postmarkBatchSender } from "./send-batch.js";

/** Loads the Postmark SDK and returns a transport over it. */
export async function createTransport(
  config: PostmarkConfig,
  context: ProviderContext,
): Promise<MailTransport> {
  const { ServerClient } = await import("postmark");
  if (config.endpoint !== undefined) refusePlainHttp("postmark", config.endpoint, "endpoint");
  const endpoint = new URL(config.endpoint ?? "https://api.postmarkapp.com");
  const options = {
    useHttps: endpoint.protocol === "https:",
    requestHost: `${endpoint.host}${endpoint.pathname.replace(/\/+$/, "")}`,
    // The SDK's own timeout, in whole seconds; core enforces the exact one through the signal.
    timeout: Math.max(1, Math.ceil(context.timeoutMs / 1000)),
  };

  // The SDK takes no per-call signal, only a custom fetch: a client per call hands the core's signal to
  // that fetch (core's requestCappedFetch over node:https, capped at 1 MiB, no redirect followed), in place
  // of the SDK's own timeout signal, with the call's requestStarting awaited once the connection is ready
  // (after the SDK's own work, before the first byte), and keeps what the SDK drops: the request's error,
  // the status of an answer whose body could not be read, and the Retry-After header.
  async function call<T>(
    { signal, requestStarting }: RequestContext,
    run: (client: InstanceType<typeof ServerClient>) => Promise<T>,
  ) {
    const seen: SeenExchange = {};
    const client = new ServerClient(config.serverToken, {
      ...options,
      fetch: async (input, init) => {
        try {
          const response = await requestCappedFetch(input, { ...init, signal }, { requestStarting });
          seen.status = response.status;
          seen.retryAfter = response.headers.get("retry-after");
          return response;
        } catch (error) {
          seen.networkCause = error;
          throw error;
        }
      },
    });
    try {
      return await run(client);
    } catch (error) {
      throw fromPostmarkError(error as Errors.PostmarkError | Error, seen);
    }
  }

  return {
    async send(message, context) {
      const email = toPostmarkEmail(message, config.messageStream);
      const result = await call(context, (client) => client.sendEmail(email));
      return { messageId: result.MessageID };
    },
    sendBatch: postmarkBatchSender(
      (message) => toPostmarkEmail(message, config.messageStream),
      (emails, context) => call(context, (client) => client.sendEmailBatch(emails)),
    ),
    maxBatchSize: POSTMARK_MAX_BATCH,
    async verify(context) {
      // GET /server: the cheapest call a server token is allowed to make.
      await call(context, (client) => client.getServer());
    },
  };
}
