import { MailError } from "@posse/mail-core";
import {
  type MailTransport,
  type ProviderContext,
  type RequestContext,
  type RequestStarting,
  refusePlainHttp,
  requestCappedFetch,
} from "@posse/mail-core/provider";
import type { BrevoConfig } from "./config.js";
import { fromBrevoError } from "./map-error.js";
import { toBrevoEmail } from "./map-message.js";

/**
 * Core's requestCappedFetch (node:http/https, answers read up to 1 MiB, no redirect followed), except that a
 * failed request resolves too, with an answer whose body fails with the same error. The SDK clears its own
 * timeout timer only when fetch resolves; a rejected fetch (refused connection, abort) left that timer
 * holding the process open for the whole timeout. Reading the body rejects with the original error, so the
 * SDK reports it exactly as a rejected fetch (the status, never read, is 200: the SDK reads the body first).
 * The request awaits `requestStarting` once its connection is ready, before its first byte.
 */
async function settledFetch(
  input: string | URL | Request,
  init: RequestInit | undefined,
  requestStarting: RequestStarting,
): Promise<Response> {
  try {
    return await requestCappedFetch(input, init, { requestStarting });
  } catch (error) {
    return new Response(new ReadableStream({ start: (controller) => controller.error(error) }));
  }
}

/** Loads the Brevo SDK and returns a transport over it. */
export async function createTransport(config: BrevoConfig, context: ProviderContext): Promise<MailTransport> {
  // Plain http would put the key and the message on the wire in clear: only a loopback stub may.
  if (config.endpoint !== undefined) refusePlainHttp("brevo", config.endpoint, "endpoint");
  const { BrevoClient } = await import("@getbrevo/brevo");
  // A client per call (a cheap object): the SDK takes a fetch only per client, and the call's fetch holds
  // its requestStarting. The SDK combines the call's signal with its own timeout's, so fetch cannot tell
  // calls apart by their signal.
  const clientFor = ({ requestStarting }: RequestContext) =>
    new BrevoClient({
      apiKey: config.apiKey,
      ...(config.endpoint !== undefined && { baseUrl: config.endpoint }),
      // The core retries; the SDK would otherwise resend on 408, 429 and 5xx.
      maxRetries: 0,
      timeoutInSeconds: context.timeoutMs / 1000,
      // Every answer is read up to MAX_RESPONSE_BYTES, with node:http/https rather than Node's fetch.
      fetch: (input, init) => settledFetch(input, init, requestStarting),
    });
  return {
    async send(message, call) {
      const request = toBrevoEmail(message);
      const { signal } = call;
      let answer: { data: unknown; rawResponse: { status: number } };
      try {
        answer = await clientFor(call)
          .transactionalEmails.sendTransacEmail(request, { abortSignal: signal, maxRetries: 0 })
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
    async verify(call) {
      try {
        await clientFor(call).account.getAccount({ abortSignal: call.signal, maxRetries: 0 });
      } catch (error) {
        throw fromBrevoError(error);
      }
    },
  };
}
