import { MailError, type MailTransport, type ProviderContext } from "@posse/mail-core";
import { cappedFetch } from "./capped-fetch.js";
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
    // Every answer is read up to MAX_RESPONSE_BYTES, with node:http/https rather than Node's fetch.
    fetch: cappedFetch,
  });
  return {
    async send(message, { signal }) {
      const request = toBrevoEmail(message);
      let answer: { data: unknown; rawResponse: { status: number } };
      try {
        answer = await client.transactionalEmails
          .sendTransacEmail(request, { abortSignal: signal, maxRetries: 0 })
          .withRawResponse();
      } catch (error) {
        throw fromBrevoError(error);
      }
      // Brevo accepts with 201 {"messageId"}. A 2xx without one (a captive portal's page, `{}`) is not
      // Brevo's acceptance. The SDK hands a non-JSON 2xx body back as data.
      const messageId = (answer.data as { messageId?: unknown } | undefined)?.messageId;
      if (typeof messageId === "string" && messageId !== "") return { messageId };
      throw new MailError(
        "UNKNOWN",
        `brevo answered HTTP ${answer.rawResponse.status} without a messageId, which is not Brevo's acceptance; the message may or may not have been sent`,
        { provider: "brevo", status: answer.rawResponse.status, outcomeUnknown: true },
      );
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
