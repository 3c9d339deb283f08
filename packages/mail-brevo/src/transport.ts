import type { MailTransport, ProviderContext } from "@posse/mail-core";
import type { BrevoConfig } from "./config.js";
import { fromBrevoError } from "./map-error.js";
import { toBrevoEmail } from "./map-message.js";

/** Loads the Brevo SDK and returns a transport over it. */
export async function createTransport(config: BrevoConfig, context: ProviderContext): Promise<MailTransport> {
  const { BrevoClient } = await import("@getbrevo/brevo");
  const client = new BrevoClient({
    apiKey: config.apiKey,
    ...(config.endpoint !== undefined && { baseUrl: config.endpoint }),
    // The core retries; the SDK would otherwise resend on 408, 429 and 5xx.
    maxRetries: 0,
    timeoutInSeconds: context.timeoutMs / 1000,
  });
  return {
    async send(message, { signal }) {
      const request = toBrevoEmail(message);
      try {
        const result = await client.transactionalEmails.sendTransacEmail(request, {
          abortSignal: signal,
          maxRetries: 0,
        });
        return { messageId: result.messageId ?? result.messageIds?.[0] ?? "" };
      } catch (error) {
        throw fromBrevoError(error);
      }
    },
    async verify({ signal }) {
      try {
        await client.account.getAccount({ abortSignal: signal, maxRetries: 0 });
      } catch (error) {
        throw fromBrevoError(error);
      }
    },
  };
}
