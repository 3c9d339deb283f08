import type { MailTransport, ProviderContext } from "@posse/mail-core";
import type { ClientResponse, MailDataRequired } from "@sendgrid/mail";
import type { SendgridConfig } from "./config.js";
import { fromSendgridError } from "./map-error.js";
import { toSendgridMail } from "./map-message.js";

// The parts of the SDK's MailService used here; its typings leave out the class and its `client`.
interface MailService {
  setApiKey(apiKey: string): void;
  send(data: MailDataRequired): Promise<[ClientResponse, unknown]>;
  readonly client: {
    setDefaultRequest(values: Record<string, unknown>): unknown;
    request(request: { method: string; url: string }): Promise<[ClientResponse, unknown]>;
  };
}

/** Loads the SendGrid SDK and returns a transport over it. */
export async function createTransport(
  config: SendgridConfig,
  context: ProviderContext,
): Promise<MailTransport> {
  const sdk = await import("@sendgrid/mail");
  // The module is the singleton; the class hangs off it (`require("@sendgrid/mail").MailService`).
  const { MailService } = sdk.default as unknown as { MailService: new () => MailService };
  const baseUrl = `${(config.endpoint ?? "https://api.sendgrid.com").replace(/\/+$/, "")}/`;

  // A fresh MailService per call, never the SDK's shared singleton: the key stays with this mailer, and
  // the call's abort signal (which the SDK only takes as a client default) belongs to this call alone.
  function service(signal: AbortSignal) {
    const mail = new MailService();
    mail.setApiKey(config.apiKey);
    // setApiKey resets baseUrl to the global API, so the endpoint is set after it.
    mail.client.setDefaultRequest({ baseUrl, timeout: context.timeoutMs, signal });
    return mail;
  }

  return {
    async send(message, { signal }) {
      const mail = toSendgridMail(message);
      try {
        const [response] = await service(signal).send(mail);
        // 202 Accepted with an empty body: the id is only in the X-Message-Id response header.
        return { messageId: String(response.headers["x-message-id"] ?? "") };
      } catch (error) {
        throw fromSendgridError(error, context.now);
      }
    },
    async verify({ signal }) {
      // GET /v3/scopes lists the key's own permissions: any valid key may call it.
      try {
        await service(signal).client.request({ method: "GET", url: "/v3/scopes" });
      } catch (error) {
        throw fromSendgridError(error, context.now);
      }
    },
  };
}
