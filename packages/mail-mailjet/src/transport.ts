import {
  answerTooLargeError,
  type MailTransport,
  noResponseFailure,
  type ProviderContext,
  type RequestContext,
  refusePlainHttp,
  requestCapped,
} from "@posse/mail-core/provider";
import type { MailjetConfig } from "./config.js";
import { checkSenders, fromMailjetAnswer, sendResult } from "./map-error.js";
import { toMailjetMessage } from "./map-message.js";
import { MAILJET_MAX_BATCH, mailjetBatchSender } from "./send-batch.js";

// The SDK builds URLs as Request.protocol (a static "https://") + host + version + path, so the endpoint
// becomes a scheme-less host (with any proxy path), leaving the SDK's global protocol untouched. Plain http
// would put the key pair and the message on the wire in clear: only a loopback stub may have it.
function endpointOf(endpoint: string): { protocol: string; host: string } {
  refusePlainHttp("mailjet", endpoint, "endpoint");
  const url = new URL(endpoint);
  return { protocol: url.protocol, host: `${url.host}${url.pathname.replace(/\/+$/, "")}` };
}

/** Loads the Mailjet SDK and returns a transport over it. */
export async function createTransport(
  config: MailjetConfig,
  _context: ProviderContext,
): Promise<MailTransport> {
  // By its path: a bundler for Workers (or a browser) would follow the `browser` field to mailjet.web.js, an
  // AMD module that fails with "define is not defined". Node, Bun and Deno load this file anyway.
  const sdk = await import("node-mailjet/mailjet.node.js");
  // CommonJS whose module.exports is the class itself: at run time `default` is the class, though the
  // typings (`export default`) describe it one level down.
  const Mailjet = sdk.default as unknown as typeof sdk.default.default;
  const endpoint = config.endpoint === undefined ? undefined : endpointOf(config.endpoint);
  const client = new Mailjet({
    apiKey: config.apiKey,
    apiSecret: config.apiSecret,
    ...(endpoint !== undefined && { config: { host: endpoint.host } }),
  });
  const authorization = `Basic ${Buffer.from(`${config.apiKey}:${config.apiSecret}`).toString("base64")}`;

  // The SDK builds the request (URL, payload, user agent) without sending it; the provider sends it with
  // core's requestCapped (node:https, as the SDK's axios does, without following redirects). The SDK's axios
  // would send an https request to an environment proxy as plain HTTP (key pair and message in clear),
  // takes no AbortSignal and reads an answer without limit.
  async function call(
    request: ReturnType<typeof client.get>,
    data: Record<string, unknown> | undefined,
    params: Record<string, string>,
    { signal, requestStarting }: RequestContext,
  ) {
    const built = await request.request(data, params, false);
    const url = new URL(built.url);
    if (endpoint?.protocol === "http:") url.protocol = "http:";
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    try {
      return await requestCapped(url, {
        method: data === undefined ? "GET" : "POST",
        headers: {
          Authorization: authorization,
          "User-Agent": request.getUserAgent(),
          Accept: "application/json",
          ...(data !== undefined && { "Content-Type": "application/json" }),
        },
        ...(data !== undefined && { body: JSON.stringify(built.body) }),
        signal,
        // Once the connection is ready, before the first byte: a request that never left ran nothing.
        requestStarting,
      });
    } catch (error) {
      throw noResponseFailure("mailjet", error, error instanceof Error ? error.message : String(error));
    }
  }

  return {
    async send(message, context) {
      const payload = { Messages: [toMailjetMessage(message)] };
      const answer = await call(client.post("send", { version: "v3.1" }), payload, {}, context);
      if (!answer.ok) throw fromMailjetAnswer(answer);
      if (answer.text === undefined) throw answerTooLargeError("mailjet", answer.status);
      // json-bigint (the SDK's parser) keeps the 64-bit MessageID digit for digit; JSON.parse would round it.
      return sendResult(answer, Mailjet.Request.parseToJSONb(answer.text));
    },
    sendBatch: mailjetBatchSender(
      toMailjetMessage,
      (payload, context) => call(client.post("send", { version: "v3.1" }), payload, {}, context),
      (text) => Mailjet.Request.parseToJSONb(text),
    ),
    maxBatchSize: MAILJET_MAX_BATCH,
    async verify(context) {
      const answer = await call(client.get("sender", { version: "v3" }), undefined, { Limit: "1" }, context);
      if (!answer.ok) throw fromMailjetAnswer(answer);
      checkSenders(answer);
    },
  };
}
