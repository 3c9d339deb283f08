import { httpFailure, type MailError, noResponseFailure } from "@posse/mail-core";
import type { Errors } from "postmark";

/** What the fetch wrapper saw of an exchange that the SDK's error no longer carries. */
export interface SeenExchange {
  /** The error fetch rejected with, when no response arrived. */
  networkCause?: unknown;
  /** The response's `Retry-After` header. */
  retryAfter?: string | null;
}

/** A Postmark `PostmarkError` (statusCode + ErrorCode) as a MailError. */
export function fromPostmarkError(error: Errors.PostmarkError, seen: SeenExchange): MailError {
  // statusCode 0: fetch itself failed. The SDK keeps only the message, so the original fetch error
  // tells a refused connection (not sent) from a lost answer (maybe sent).
  if (!error.statusCode) {
    return noResponseFailure("postmark", seen.networkCause ?? error, error.message);
  }
  return httpFailure({
    provider: "postmark",
    status: error.statusCode,
    // Postmark's ErrorCode tells the 422s apart (300 invalid request, 400 no sender signature, 406 inactive…).
    detail: error.code ? `${error.message} (ErrorCode ${error.code})` : error.message,
    retryAfter: seen.retryAfter,
    cause: error,
  });
}
