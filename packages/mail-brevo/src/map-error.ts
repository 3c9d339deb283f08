import { MailError } from "@posse/mail-core";
import {
  httpFailure,
  MAX_RESPONSE_BYTES,
  noResponseFailure,
  ResponseTooLargeError,
} from "@posse/mail-core/provider";

/** What a thrown `BrevoError` (or its `BadRequestError` subclass) carries; read by shape, not by class. */
interface BrevoErrorShape {
  name?: string;
  message?: string;
  statusCode?: number;
  body?: unknown;
  rawResponse?: { headers?: { get(name: string): string | null } };
}

/** Brevo's `{ code, message }` error body, or the text of a non-JSON one. */
function describe(body: unknown): string | undefined {
  if (body && typeof body === "object") {
    const { code, message } = body as { code?: unknown; message?: unknown };
    if (typeof message === "string") return typeof code === "string" ? `${message} (${code})` : message;
    return undefined;
  }
  // Not cut here: core masks secrets in the whole text before it bounds it.
  if (typeof body === "string") return body.replace(/\s+/g, " ").trim() || undefined;
  return undefined;
}

/** Any failure thrown by the Brevo SDK as a MailError. */
export function fromBrevoError(error: unknown): MailError {
  const failure = (error ?? {}) as BrevoErrorShape;
  if (typeof failure.statusCode === "number") {
    const headers = failure.rawResponse?.headers;
    return httpFailure({
      provider: "brevo",
      status: failure.statusCode,
      detail: describe(failure.body),
      // Brevo documents x-sib-ratelimit-reset (seconds until the window resets) on its 429 answers.
      retryAfter: headers?.get("retry-after") ?? headers?.get("x-sib-ratelimit-reset"),
      cause: error,
    });
  }
  // The capped fetch stopped reading an answer over the limit (and closed the socket); the SDK reports
  // that without the status, and Brevo's acceptance cannot be read from it.
  if ((error as { cause?: unknown } | undefined)?.cause instanceof ResponseTooLargeError) {
    return new MailError(
      "UNKNOWN",
      `brevo's answer was larger than ${MAX_RESPONSE_BYTES} bytes; stopped reading it, so the message may or may not have been sent`,
      { provider: "brevo", outcomeUnknown: true, cause: error },
    );
  }
  if (failure.name === "BrevoTimeoutError") {
    return new MailError("TIMEOUT", "brevo did not answer in time", {
      provider: "brevo",
      outcomeUnknown: true,
      cause: error,
    });
  }
  // No status: fetch failed. A refused connection is certain not to have arrived; anything else may have.
  return noResponseFailure("brevo", error, failure.message ?? String(error));
}
