import { isMailError } from "@posse/mail-core";
import {
  answerTooLargeError,
  type CappedAnswer,
  type MailTransport,
  noResponseFailure,
  type ProviderContext,
  type RequestContext,
  refusePlainHttp,
  requestCapped,
} from "@posse/mail-core/provider";
import type { Interfaces } from "mailgun.js/definitions";
import { baseUrl, type MailgunConfig } from "./config.js";
import { fromMailgunAnswer, notAResult, notTheApi, parseAnswer } from "./map-error.js";
import { toMailgunMessage } from "./map-message.js";

/** What mailgun.js hands its request provider: the query and the body (a form-data instance). */
interface RequestInput {
  readonly params?: URLSearchParams;
  readonly data?: { getHeaders(): Record<string, string>; getBuffer(): Buffer } | string;
}

/** Loads mailgun.js (with the form-data package) and returns a transport over it. */
export async function createTransport(
  config: MailgunConfig,
  _context: ProviderContext,
): Promise<MailTransport> {
  const [{ default: Mailgun }, { default: FormData }] = await Promise.all([
    import("mailgun.js"),
    // By its path: a bundler for Workers (or a browser) would follow form-data's `browser` field to the
    // global FormData, which has neither getHeaders() nor getBuffer(). Node, Bun and Deno load this file anyway.
    import("form-data/lib/form_data.js"),
  ]);
  // form-data, not the global FormData: only it keeps each file part's Content-Type.
  const mailgun = new Mailgun(FormData);
  const url = baseUrl(config);
  // Plain http would put the key and the message on the wire in clear: only a loopback stub may.
  if (config.endpoint !== undefined) refusePlainHttp("mailgun", config.endpoint, "endpoint");
  const authorization = `Basic ${Buffer.from(`api:${config.apiKey}`).toString("base64")}`;

  // mailgun.js builds the request (path, form fields, file parts); this provider sends it with core's
  // requestCapped (node:https, as the SDK's axios does, without following redirects). The SDK's axios takes
  // no AbortSignal, reads an answer without limit, drops the response headers and sends an https request to
  // an environment proxy as plain HTTP.
  async function exchange(target: string, method: string, input: RequestInput, call: RequestContext) {
    const requestUrl = new URL(target);
    for (const [key, value] of input.params ?? []) requestUrl.searchParams.append(key, value);
    const form = typeof input.data === "object" ? input.data : undefined;
    let response: CappedAnswer;
    try {
      response = await requestCapped(requestUrl, {
        method,
        headers: { Authorization: authorization, Accept: "application/json", ...form?.getHeaders() },
        ...(form !== undefined && { body: form.getBuffer() }),
        signal: call.signal,
        // Once the connection is ready, before the first byte: a request that never left ran nothing.
        requestStarting: call.requestStarting,
      });
    } catch (error) {
      throw noResponseFailure("mailgun", error, error instanceof Error ? error.message : String(error));
    }
    const { text } = response;
    if (!response.ok) throw fromMailgunAnswer(response, text);
    if (text === undefined) throw answerTooLargeError("mailgun", response.status);
    if (text.trim() === "Mailgun Magnificent API") throw notTheApi();
    const body = parseAnswer(text);
    // Anything but a JSON object (an HTML page, an answer over the limit) carries nothing the SDK can read.
    return { status: response.status, body: body && typeof body === "object" ? body : {} };
  }

  // A client per call: the SDK passes no per-call options down, so its request provider holds the call's
  // signal and requestStarting.
  function client(call: RequestContext) {
    const mg = mailgun.client({ username: "api", key: config.apiKey, url });
    const provider: Interfaces.IRequestProvider = {
      makeRequest: (target, method, input) => exchange(target, method, input as RequestInput, call),
      setSubAccountHeader: () => {},
      resetSubAccountHeader: () => {},
    };
    mg.request.requestProvider = provider;
    return mg;
  }

  return {
    async send(message, call) {
      const data = toMailgunMessage(message);
      const result = await client(call).messages.create(config.domain, data);
      if (typeof result.id !== "string" || result.id === "") throw notAResult(result.status, "a message id");
      return { messageId: result.id };
    },
    async verify(call) {
      // GET /v4/domains/{domain}: proves the key, the domain and the region in one call.
      await client(call)
        .domains.get(config.domain)
        .catch((error: unknown) => {
          // The SDK fails reading a 2xx answer that holds no domain.
          throw isMailError(error) ? error : notAResult(200, "the domain");
        });
    },
  };
}
