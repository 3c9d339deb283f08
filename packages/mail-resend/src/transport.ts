import { type MailTransport, type ProviderContext, refusePlainHttp } from "@posse/mail-core";
import type { ResendConfig } from "./config.js";
import { fromResendError } from "./map-error.js";
import { toResendEmail } from "./map-message.js";
import { type WatchedExchange, watchingDispatcher } from "./response-watch.js";

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
    async send(message, { signal }) {
      const exchange: WatchedExchange = {};
      const { data, error, headers } = await client.emails.send(toResendEmail(message), {
        ...(message.idempotencyKey !== undefined && { idempotencyKey: message.idempotencyKey }),
        signal,
        dispatcher: watchingDispatcher(exchange),
      } as { idempotencyKey?: string });
      if (error) throw fromResendError(error, headers, exchange);
      return { messageId: data.id };
    },
    async verify({ signal }) {
      const exchange: WatchedExchange = {};
      const { error, headers } = await client.domains.list(undefined, {
        signal,
        dispatcher: watchingDispatcher(exchange),
      } as never);
      // A sending-only key may not list domains; Resend says so with restricted_api_key, which proves the key.
      if (error && error.name !== "restricted_api_key") throw fromResendError(error, headers, exchange);
    },
  };
}
