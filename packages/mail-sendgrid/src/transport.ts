import { MailError } from "@posse/mail-core";
import {
  MAX_RESPONSE_BYTES,
  type MailTransport,
  type ProviderContext,
  type RequestContext,
  refusePlainHttp,
} from "@posse/mail-core/provider";
import type { ClientResponse } from "@sendgrid/mail";
import { type AxiosTransport, announcingTransport } from "./announcing-transport.js";
import type { SendgridConfig } from "./config.js";
import { ipEndpointProxyAgent } from "./ip-endpoint-agent.js";
import { fromSendgridError } from "./map-error.js";
import { type SendgridBody, toSendgridBody } from "./map-message.js";

// The parts of the SDK's MailService used here; its typings leave out the class and its `client`.
interface MailService {
  setApiKey(apiKey: string): void;
  readonly client: {
    readonly defaultRequest: { signal?: AbortSignal | undefined; transport?: AxiosTransport | undefined };
    setDefaultRequest(values: Record<string, unknown>): unknown;
    request(request: {
      method: string;
      url: string;
      body?: SendgridBody;
    }): Promise<[ClientResponse, unknown]>;
  };
}

/** Loads the SendGrid SDK and returns a transport over it. */
export async function createTransport(
  config: SendgridConfig,
  context: ProviderContext,
): Promise<MailTransport> {
  // Plain http would put the key and the message on the wire in clear: only a loopback stub may.
  if (config.endpoint !== undefined) refusePlainHttp("sendgrid", config.endpoint, "endpoint");
  const sdk = await import("@sendgrid/mail");
  // The module is the singleton; the class hangs off it (`require("@sendgrid/mail").MailService`).
  const { MailService } = sdk.default as unknown as { MailService: new () => MailService };
  const baseUrl = `${(config.endpoint ?? "https://api.sendgrid.com").replace(/\/+$/, "")}/`;

  // One MailService per mailer, never the SDK's shared singleton: the key stays with this mailer.
  const service = new MailService();
  service.setApiKey(config.apiKey);
  // setApiKey resets baseUrl to the global API, so the endpoint is set after it. The SDK reads answers
  // of any size (maxContentLength: Infinity); axios stops at the cap and destroys the socket. SendGrid's
  // API answers where it is asked: a redirect is not followed (as core's requestCapped does not), which
  // also spares every send axios's follow-redirects wrapper around node:http.
  const httpsAgent = ipEndpointProxyAgent(baseUrl);
  service.client.setDefaultRequest({
    baseUrl,
    timeout: context.timeoutMs,
    maxContentLength: MAX_RESPONSE_BYTES,
    maxRedirects: 0,
    ...(httpsAgent === undefined ? {} : { httpsAgent }),
  });
  const defaults = service.client.defaultRequest;

  /**
   * Starts an SDK call with the call's abort signal, and an axios transport that awaits its
   * `requestStarting` once the connection is ready, before the first byte. The SDK takes these only as
   * client defaults, but it copies the defaults into the request synchronously, before `send` or
   * `request` returns (`Client.createRequest`), so defaults set just around that synchronous call belong
   * to this request alone, whatever else is in flight.
   */
  function withCall<T>({ signal, requestStarting }: RequestContext, start: () => Promise<T>): Promise<T> {
    defaults.signal = signal;
    defaults.transport = announcingTransport(requestStarting);
    try {
      return start();
    } finally {
      defaults.signal = undefined;
      defaults.transport = undefined;
    }
  }

  return {
    async send(message, call) {
      const body = toSendgridBody(message);
      let response: ClientResponse;
      try {
        response = (
          await withCall(call, () => service.client.request({ method: "POST", url: "/v3/mail/send", body }))
        )[0];
      } catch (error) {
        throw fromSendgridError(error, context.now);
      }
      // 202 Accepted with an empty body: the id is only in the X-Message-Id response header. A 2xx
      // without it (a captive portal's page, a wrong URL) is not SendGrid's acceptance.
      const messageId = response.headers["x-message-id"];
      if (typeof messageId === "string" && messageId !== "") return { messageId };
      throw new MailError(
        "UNKNOWN",
        `sendgrid answered HTTP ${response.statusCode} without an X-Message-Id header, which is not SendGrid's acceptance; the message may or may not have been sent`,
        { provider: "sendgrid", status: response.statusCode, outcomeUnknown: true },
      );
    },
    async verify(call) {
      // GET /v3/scopes lists the key's own permissions: any valid key may call it.
      try {
        await withCall(call, () => service.client.request({ method: "GET", url: "/v3/scopes" }));
      } catch (error) {
        throw fromSendgridError(error, context.now);
      }
    },
    close() {
      httpsAgent?.destroy();
    },
  };
}
