import { httpFailure, type MailError, noResponseFailure } from "@posse/mail-core";
import type { ErrorResponse } from "resend";

/** Resend's `{ error }` result (it never throws for HTTP errors) as a MailError. */
export function fromResendError(error: ErrorResponse, headers: Record<string, string> | null): MailError {
  const detail = `${error.message} (${error.name})`;
  // statusCode null: the SDK caught a network failure and cannot say whether the request arrived.
  if (error.statusCode === null || error.statusCode === undefined) {
    return noResponseFailure("resend", undefined, error.message);
  }
  return httpFailure({
    provider: "resend",
    status: error.statusCode,
    detail,
    retryAfter: headers?.["retry-after"],
    // A 403 with validation_error is Resend's testing-domain restriction, not a bad key.
    code: error.statusCode === 403 && error.name === "validation_error" ? "REJECTED" : undefined,
  });
}
