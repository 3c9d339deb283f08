import {
  limitedFetch,
  type MailTransport,
  noResponseFailure,
  type ProviderContext,
  readCappedText,
  refusePlainHttp,
} from "@posse/mail-core/provider";
import { baseUrl, type SparkpostConfig } from "./config.js";
import { fromErrorAnswer, notAReceipt, transmissionId } from "./map-error.js";
import { toTransmission } from "./map-message.js";

/** Returns a transport over SparkPost's REST API with Node's `fetch` (no SDK to load). */
export function createTransport(config: SparkpostConfig, _context: ProviderContext): MailTransport {
  if (config.endpoint !== undefined) refusePlainHttp("sparkpost", config.endpoint, "endpoint");
  const base = baseUrl(config);
  // Every answer is read up to the core's limit; a larger one is cancelled, never held in memory.
  const fetchCapped = limitedFetch();

  async function call(method: "GET" | "POST", path: string, body: unknown, signal: AbortSignal) {
    try {
      const response = await fetchCapped(`${base}${path}`, {
        method,
        headers: {
          // SparkPost takes the bare API key, without a scheme.
          Authorization: config.apiKey,
          Accept: "application/json",
          ...(body !== undefined && { "Content-Type": "application/json" }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal,
      });
      return { response, text: await readCappedText(response) };
    } catch (error) {
      // No answer (refused, reset, cut off): the core's classification says whether it may have arrived.
      throw noResponseFailure("sparkpost", error, error instanceof Error ? error.message : String(error));
    }
  }

  return {
    async send(message, { signal, requestStarting }) {
      // The last moment before the request leaves: a queue marks the send as possibly accepted here.
      await requestStarting();
      const { response, text } = await call("POST", "/transmissions", toTransmission(message), signal);
      if (!response.ok) throw fromErrorAnswer(response, text);
      const id = transmissionId(text);
      if (id === undefined) throw notAReceipt(response.status, text);
      return { messageId: id };
    },
    async verify({ signal }) {
      // GET /account: the cheapest authenticated call (the key needs the Account: Read permission).
      const { response, text } = await call("GET", "/account", undefined, signal);
      if (!response.ok) throw fromErrorAnswer(response, text);
    },
  };
}
