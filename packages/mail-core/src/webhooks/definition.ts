import type { MailEvent } from "./event.js";

/** What a webhook request shows before its body is read: method, URL and headers. */
export interface WebhookHead {
  /** HTTP method, upper case. */
  readonly method: string;
  /** The request URL (credentials a vendor puts in a URL arrive as an `Authorization: Basic` header). */
  readonly url: URL;
  /** The request headers. */
  readonly headers: Headers;
}

/** A webhook request as core hands it to a vendor module: the raw body bytes exactly as received. */
export interface WebhookRequest extends WebhookHead {
  /** The body, byte for byte. */
  readonly body: Uint8Array;
}

/** What `parse` returns: the events, or a protocol answer that is not an event (e.g. an SNS subscription confirmation). */
export type WebhookParseResult = readonly MailEvent[] | { readonly response: Response };

/** What a vendor's webhooks module provides. */
export interface WebhookDefinition {
  /** Provider id, e.g. "postmark". */
  readonly provider: string;
  /** Largest post the vendor sends, in bytes, with room to spare: the handler's default body limit (else 1 MiB). */
  readonly maxBodyBytes?: number;
  /**
   * The status that makes this vendor post again (a failed `onEvents`, a full replay store, an unexpected
   * error); default 503. Brevo discards a post answered with any 5xx, so its definition says 429.
   */
  readonly retryStatus?: number;
  /**
   * Checks everything the headers alone can prove (shared secrets; the presence of signature headers and the
   * signed time's window) before a single body byte is read; throws WebhookError 401/403. Whatever it refuses
   * costs the server no memory for the body.
   */
  verifyHeaders?(head: WebhookHead): void | Promise<void>;
  /** Throws WebhookError 401/403 when the request is not authentic. May be async (SES fetches the SNS certificate). */
  verify?(request: WebhookRequest): void | Promise<void>;
  /**
   * Events of a verified request; throws WebhookError(400) for a malformed body. Unknown vendor event types map to
   * type "unknown" (never reject a batch for one). May instead return `{ response }` for a protocol message that is not an
   * event (SES SubscriptionConfirmation: confirm, then answer 200), handled only after verify succeeded.
   */
  parse(request: WebhookRequest): WebhookParseResult | Promise<WebhookParseResult>;
}
