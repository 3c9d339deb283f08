import { MailError, type MailTransport, type ProviderContext } from "@posse/mail-core";
import { baseUrl, type MailgunConfig } from "./config.js";
import { fromMailgunError } from "./map-error.js";
import { toMailgunMessage } from "./map-message.js";

/** Loads mailgun.js (with the form-data package) and returns a transport over it. */
export async function createTransport(
  config: MailgunConfig,
  context: ProviderContext,
): Promise<MailTransport> {
  const [{ default: Mailgun }, { default: FormData }] = await Promise.all([
    import("mailgun.js"),
    import("form-data"),
  ]);
  // form-data, not the global FormData: only it keeps each file part's Content-Type.
  // mailgun.js takes no AbortSignal and makes one attempt; its timeout ends the request the core gave up on.
  const client = new Mailgun(FormData).client({
    username: "api",
    key: config.apiKey,
    url: baseUrl(config),
    timeout: context.timeoutMs,
  });
  return {
    async send(message) {
      const data = toMailgunMessage(message);
      const result = await client.messages.create(config.domain, data).catch((error: unknown) => {
        throw fromMailgunError(error);
      });
      if (!result.id) {
        throw new MailError("UNKNOWN", `mailgun answered HTTP ${result.status} without a message id`, {
          provider: "mailgun",
          status: result.status,
          outcomeUnknown: true,
        });
      }
      return { messageId: result.id };
    },
    async verify() {
      // GET /v4/domains/{domain}: proves the key, the domain and the region in one call.
      await client.domains.get(config.domain).catch((error: unknown) => {
        throw fromMailgunError(error);
      });
    },
  };
}
