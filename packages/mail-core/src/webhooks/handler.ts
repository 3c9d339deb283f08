import { MailError } from "../errors/mail-error.js";
import type { WebhookDefinition, WebhookHead } from "./definition.js";
import type { MailEvent } from "./event.js";
import { positiveOption } from "./option-checks.js";
import { readLimitedBody } from "./read-body.js";
import { isWebhookError } from "./webhook-error.js";

/** Body limit for a vendor whose definition states none: 1 MiB (an SNS message is at most 256 KB). */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;

/** The status that asks a vendor to post again, unless its definition names another (Brevo: 429). */
export const DEFAULT_WEBHOOK_RETRY_STATUS = 503;

/** Options of createWebhookHandler. */
export interface WebhookHandlerOptions {
  /**
   * Receives each verified, non-empty batch; the vendor gets 200 only after this resolves. A rejection is
   * answered with the vendor's retry status (503; Brevo 429), so the vendor posts the batch again.
   */
  onEvents(events: readonly MailEvent[]): void | Promise<void>;
  /**
   * Largest body accepted, in bytes; default the vendor's own (its largest post with room), else
   * {@link DEFAULT_WEBHOOK_MAX_BODY_BYTES}. Over → 413 without reading further.
   */
  readonly maxBodyBytes?: number;
}

type Answer = (status: number, text: string, headers?: Readonly<Record<string, string>>) => Response;

const answer: Answer = (status, text, headers = {}) =>
  new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });

/** Drops a body that will not be read, so a fetch runtime can release the connection. */
const discard = (request: Request) => request.body?.cancel().catch(() => {});

/** The answer to what the checks or `parse` threw: a WebhookError's own (503 → the vendor's retry status), else a retry. */
function refusal(error: unknown, definition: WebhookDefinition, retryStatus: number): Response {
  if (!isWebhookError(error))
    return answer(retryStatus, `the ${definition.provider} webhook failed; send it again`);
  return answer(error.status === 503 ? retryStatus : error.status, error.message, error.headers);
}

/** Hands the events over: any rejection asks the vendor to post again (with a full store's Retry-After). */
async function deliver(
  events: readonly MailEvent[],
  options: WebhookHandlerOptions,
  retryStatus: number,
): Promise<Response> {
  try {
    if (events.length > 0) await options.onEvents(events);
  } catch (error) {
    const wait = isWebhookError(error) ? error.headers["retry-after"] : undefined;
    return answer(
      retryStatus,
      "the events were not accepted; send them again",
      wait ? { "retry-after": wait } : {},
    );
  }
  return new Response(null, { status: 200 });
}

/** The events of an authentic post (or the protocol answer `parse` gave), checking the headers before any body byte. */
async function receive(
  definition: WebhookDefinition,
  request: Request,
  maxBodyBytes: number,
): Promise<readonly MailEvent[] | Response> {
  const head: WebhookHead = { method: "POST", url: new URL(request.url), headers: request.headers };
  try {
    await definition.verifyHeaders?.(head);
  } catch (error) {
    await discard(request);
    throw error;
  }
  const webhookRequest = { ...head, body: await readLimitedBody(request, maxBodyBytes) };
  await definition.verify?.(webhookRequest);
  const parsed = await definition.parse(webhookRequest);
  return Array.isArray(parsed) ? parsed : (parsed as { readonly response: Response }).response;
}

function checkedOptions(definition: WebhookDefinition, options: WebhookHandlerOptions) {
  if (typeof options?.onEvents !== "function") {
    throw new MailError(
      "CONFIG",
      "createWebhookHandler: onEvents must be a function that stores the events",
      {
        field: "onEvents",
      },
    );
  }
  const maxBodyBytes = positiveOption(options.maxBodyBytes, {
    owner: "createWebhookHandler",
    field: "maxBodyBytes",
    unit: "bytes",
    whole: true,
  });
  return {
    maxBodyBytes: maxBodyBytes ?? definition.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES,
    retryStatus: definition.retryStatus ?? DEFAULT_WEBHOOK_RETRY_STATUS,
  };
}

/**
 * A standard fetch-style handler for one vendor's webhook: POST only (405 otherwise); credentials and signature
 * headers checked before the body is read (401/403, the body left unread); the body read up to the limit (413);
 * verified (401/403); parsed (400); the events handed to `onEvents`; then 200. A rejecting `onEvents`, a full
 * replay store or an unexpected error gets the vendor's retry status (503; Brevo 429). Options are checked here:
 * a bad `maxBodyBytes` is a CONFIG error. Error texts are the module's own short words, never a secret or a stack.
 */
export function createWebhookHandler(
  definition: WebhookDefinition,
  options: WebhookHandlerOptions,
): (request: Request) => Promise<Response> {
  const { maxBodyBytes, retryStatus } = checkedOptions(definition, options);
  return async (request) => {
    if (request.method.toUpperCase() !== "POST") {
      await discard(request);
      return answer(405, "only POST is accepted", { allow: "POST" });
    }
    let received: readonly MailEvent[] | Response;
    try {
      received = await receive(definition, request, maxBodyBytes);
    } catch (error) {
      return refusal(error, definition, retryStatus);
    }
    return received instanceof Response ? received : deliver(received, options, retryStatus);
  };
}
