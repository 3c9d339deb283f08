/**
 * Statuses a webhook handler answers a refused request with; 503 means "post it again later" and becomes the
 * vendor's retry status (Brevo's is 429).
 */
export type WebhookErrorStatus = 400 | 401 | 403 | 405 | 413 | 503;

/** Thrown by verify/parse; the handler answers with `status` and a short, secret-free text. */
export class WebhookError extends Error {
  override readonly name = "WebhookError";

  constructor(
    /** The HTTP status the handler answers with. */
    readonly status: WebhookErrorStatus,
    message: string,
    /** Extra response headers, e.g. a `WWW-Authenticate` challenge or a `Retry-After`. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** True when `value` is a {@link WebhookError}, from this or any other copy of the core. */
export function isWebhookError(value: unknown): value is WebhookError {
  return (
    value instanceof WebhookError ||
    (value instanceof Error &&
      value.name === "WebhookError" &&
      typeof (value as WebhookError).status === "number")
  );
}
