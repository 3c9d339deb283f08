import { MailError } from "@posse/mail-core";
import { httpFailure, noResponseFailure } from "@posse/mail-core/provider";
import type { ErrorResponse } from "resend";
import type { WatchedExchange } from "./response-watch.js";

/** Resend's `{ error }` result (it never throws for HTTP errors) as a MailError. */
export function fromResendError(
  error: ErrorResponse,
  headers: Record<string, string> | null,
  exchange: WatchedExchange = {},
): MailError {
  // The SDK's own text when it stopped reading ("terminated") says less than why it was stopped.
  const detail = exchange.stopped ? exchange.stopped.message : `${error.message} (${error.name})`;
  // Resend's JSON error bodies do not always carry statusCode (a 401 may be just { name, message }); the
  // status on the wire is the truth.
  const status = exchange.status ?? error.statusCode ?? undefined;
  // No answer at all: the SDK caught a network failure and dropped it; the watch kept it, and its code
  // says whether the request can have arrived (a refused connection or a failed TLS handshake cannot).
  if (status === undefined || status === null) {
    return noResponseFailure("resend", exchange.failure, error.message);
  }
  // A 2xx the SDK could not read as Resend's answer (a captive portal's page, an answer over the size
  // limit): Resend may have taken the message, so it is neither sent nor safe to send again blindly.
  if (status >= 200 && status < 300) {
    return new MailError(
      "UNKNOWN",
      `resend answered HTTP ${status}, but not with Resend's answer: ${detail}`,
      {
        provider: "resend",
        status,
        outcomeUnknown: true,
      },
    );
  }
  // A redirect is not followed (`redirect: "manual"`): following a 307 would re-post the message to
  // whatever host it names. Not Resend's answer to a send, so what gave it may have passed the message on.
  if (status >= 300 && status < 400) {
    return new MailError(
      "UNKNOWN",
      `resend answered HTTP ${status}, a redirect, which is not followed; the message may or may not have been sent`,
      { provider: "resend", status, outcomeUnknown: true },
    );
  }
  return httpFailure({
    provider: "resend",
    status,
    detail,
    retryAfter: headers?.["retry-after"],
    // A 403 with validation_error is Resend's testing-domain restriction, not a bad key.
    code: status === 403 && error.name === "validation_error" ? "REJECTED" : undefined,
  });
}
