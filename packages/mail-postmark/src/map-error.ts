import { MailError } from "@posse/mail-core";
import { httpFailure, noResponseFailure } from "@posse/mail-core/provider";
import type { Errors } from "postmark";

/** What the fetch wrapper saw of an exchange that the SDK's error no longer carries. */
export interface SeenExchange {
  /** The error fetch rejected with, when no response arrived. */
  networkCause?: unknown;
  /** The response's `Retry-After` header. */
  retryAfter?: string | null;
  /** The response's HTTP status, once its headers arrived. */
  status?: number;
}

/** A Postmark `PostmarkError` (statusCode + ErrorCode) as a MailError. */
export function fromPostmarkError(error: Errors.PostmarkError | Error, seen: SeenExchange): MailError {
  // An answer arrived but its body could not be read (over the size limit, cut off): the SDK lets that
  // error through as is. On a 2xx Postmark may have taken the message: neither sent nor safe to resend.
  if (!("statusCode" in error)) {
    if (seen.status === undefined)
      return noResponseFailure("postmark", seen.networkCause ?? error, error.message);
    if (seen.status >= 200 && seen.status < 300) {
      return new MailError(
        "UNKNOWN",
        `postmark answered HTTP ${seen.status}, but its answer could not be read: ${error.message}`,
        {
          provider: "postmark",
          status: seen.status,
          outcomeUnknown: true,
          cause: error,
        },
      );
    }
    return httpFailure({
      provider: "postmark",
      status: seen.status,
      detail: error.message,
      retryAfter: seen.retryAfter,
      cause: error,
    });
  }
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
