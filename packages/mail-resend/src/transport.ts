import {
  announcingDispatcher,
  type MailTransport,
  type ProviderContext,
  type RequestContext,
  refusePlainHttp,
} from "@posse/mail-core/provider";
import type { ResendConfig } from "./config.js";
import { fromResendError } from "./map-error.js";
import { toResendEmail } from "./map-message.js";
import { IDENTITY_ONLY, type WatchedExchange, watchingDispatcher } from "./response-watch.js";
import { canBatch, RESEND_MAX_BATCH, resendBatchSender } from "./send-batch.js";

/**
 * The fetch options of one SDK call (the SDK spreads them into its fetch): the call's signal, a dispatcher
 * that awaits the call's requestStarting once the SDK is done and fetch hands the request over (core's
 * `announcingDispatcher`), then watches it (see `watchingDispatcher`), no redirect followed, since fetch
 * would re-post the message to whatever host a 307 names, and no compressed answer asked for.
 */
function fetchOptions({ signal, requestStarting }: RequestContext, exchange: WatchedExchange) {
  const dispatcher = announcingDispatcher(watchingDispatcher(exchange), requestStarting, signal);
  return { signal, dispatcher, redirect: "manual", headers: IDENTITY_ONLY };
}

/** Loads the Resend SDK and returns a transport over it. */
export async function createTransport(
  config: ResendConfig,
  _context: ProviderContext,
): Promise<MailTransport> {
  const { Resend } = await import("resend");
  const client = new Resend(config.apiKey, config.endpoint ? { baseUrl: config.endpoint } : undefined);
  // Without an endpoint the SDK takes RESEND_BASE_URL from the environment: the key goes wherever it points.
  refusePlainHttp("resend", client.baseUrl, config.endpoint ? "endpoint" : "RESEND_BASE_URL");
  // The SDK calls the global fetch itself (no fetch option) but hands it our request options: a dispatcher
  // there caps the answer's size and keeps its status, which the SDK's result does not always carry.
  return {
    async send(message, call) {
      const exchange: WatchedExchange = {};
      const { data, error, headers } = await client.emails.send(toResendEmail(message), {
        ...(message.idempotencyKey !== undefined && { idempotencyKey: message.idempotencyKey }),
        ...fetchOptions(call, exchange),
      } as { idempotencyKey?: string });
      if (error) throw fromResendError(error, headers, exchange);
      return { messageId: data.id };
    },
    sendBatch: resendBatchSender(client, fetchOptions),
    maxBatchSize: RESEND_MAX_BATCH,
    canBatch,
    async verify(call) {
      const exchange: WatchedExchange = {};
      const { error, headers } = await client.domains.list(undefined, fetchOptions(call, exchange) as never);
      // A sending-only key may not list domains; Resend says so with restricted_api_key, which proves the key.
      if (error && error.name !== "restricted_api_key") throw fromResendError(error, headers, exchange);
    },
  };
}
