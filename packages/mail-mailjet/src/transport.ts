import { MailError, type MailTransport, type ProviderContext } from "@posse/mail-core";
import type { SendEmailV3_1 } from "node-mailjet";
import type { MailjetConfig } from "./config.js";
import { fromMailjetError, messageErrors, rejectedMessage } from "./map-error.js";
import { toMailjetMessage } from "./map-message.js";

// The SDK builds URLs as Request.protocol (a static "https://") + host + version + path, so the endpoint
// becomes a scheme-less host (with any proxy path), leaving the SDK's global protocol untouched.
function hostOf(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new MailError("CONFIG", "mailjet endpoint must be an absolute https URL", { provider: "mailjet" });
  }
  if (url.protocol !== "https:") {
    throw new MailError("CONFIG", "mailjet endpoint must use https (the Mailjet SDK speaks https only)", {
      provider: "mailjet",
    });
  }
  return `${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

/** Loads the Mailjet SDK and returns a transport over it. */
export async function createTransport(
  config: MailjetConfig,
  context: ProviderContext,
): Promise<MailTransport> {
  const sdk = await import("node-mailjet");
  // CommonJS whose module.exports is the class itself: at run time `default` is the class, though the
  // typings (`export default`) describe it one level down.
  const Mailjet = sdk.default as unknown as typeof sdk.default.default;
  const client = new Mailjet({
    apiKey: config.apiKey,
    apiSecret: config.apiSecret,
    ...(config.endpoint !== undefined && { config: { host: hostOf(config.endpoint) } }),
    // The SDK has no retries and takes no AbortSignal; axios' timeout ends a request the core gave up on.
    options: { timeout: context.timeoutMs },
  });
  return {
    async send(message) {
      const payload = { Messages: [toMailjetMessage(message)] };
      let body: SendEmailV3_1.Response;
      try {
        ({ body } = await client.post("send", { version: "v3.1" }).request<SendEmailV3_1.Response>(payload));
      } catch (error) {
        throw fromMailjetError(error);
      }
      if (messageErrors(body)) throw rejectedMessage(body);
      // One id per recipient; json-bigint keeps the 64-bit MessageID exact (as a string when it is big).
      const id = body.Messages?.[0]?.To?.[0]?.MessageID;
      return { messageId: id === undefined ? "" : String(id) };
    },
    async verify() {
      try {
        await client.get("sender", { version: "v3" }).request(undefined, { Limit: 1 });
      } catch (error) {
        throw fromMailjetError(error);
      }
    },
  };
}
