import type { WebhookDefinition, WebhookRequest } from "./definition.js";
import type { MailEvent } from "./event.js";
import { readLimitedBody } from "./read-body.js";
import { isWebhookError } from "./webhook-error.js";

/** Default largest body a webhook handler reads: 5 MiB (SendGrid posts batches of up to 768 KB). */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 5 * 1024 * 1024;

/** Options of createWebhookHandler. */
export interface WebhookHandlerOptions {
  /** Receives each verified, non-empty batch; the vendor gets 2xx only after this resolves (a rejection → 500, so the vendor retries). */
  onEvents(events: readonly MailEvent[]): void | Promise<void>;
  /** Largest body accepted, in bytes; default {@link DEFAULT_WEBHOOK_MAX_BODY_BYTES}. Over → 413 without reading further. */
  readonly maxBodyBytes?: number;
}

function answer(status: number, text: string, headers: Readonly<Record<string, string>> = {}): Response {
  return new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });
}

/**
 * A standard fetch-style handler for one vendor's webhook: POST only (405 otherwise); the body read up to the
 * limit (413); verified (401/403); parsed (400); the events handed to `onEvents` (500 if it rejects); then 204.
 * Error texts are the module's own short words, never a secret or a stack.
 */
export function createWebhookHandler(
  definition: WebhookDefinition,
  options: WebhookHandlerOptions,
): (request: Request) => Promise<Response> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES;
  return async (request) => {
    if (request.method.toUpperCase() !== "POST") {
      await request.body?.cancel().catch(() => {});
      return answer(405, "only POST is accepted", { allow: "POST" });
    }
    let events: readonly MailEvent[];
    try {
      const webhookRequest: WebhookRequest = {
        method: "POST",
        url: new URL(request.url),
        headers: request.headers,
        body: await readLimitedBody(request, maxBodyBytes),
      };
      await definition.verify(webhookRequest);
      const parsed = await definition.parse(webhookRequest);
      if (!Array.isArray(parsed)) return (parsed as { readonly response: Response }).response;
      events = parsed;
    } catch (error) {
      if (isWebhookError(error)) return answer(error.status, error.message, error.headers);
      return answer(500, `the ${definition.provider} webhook failed to read the request`);
    }
    if (events.length > 0) {
      try {
        await options.onEvents(events);
      } catch {
        return answer(500, "the events were not accepted; send them again");
      }
    }
    return new Response(null, { status: 204 });
  };
}
