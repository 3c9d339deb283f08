import { MailError } from "@posse/mail-core";

/** A failed job's error as stored: the redacted `MailError.toJSON()`. */
export type StoredMailError = Record<string, unknown> & { code: string; message: string };

/** The text BullMQ keeps as a failed job's reason: the redacted error as JSON. */
export function failureText(error: MailError): string {
  return JSON.stringify(error.toJSON());
}

/**
 * Reads a failed job's reason back. A reason BullMQ wrote itself (a job that stalled more often than
 * allowed) is not JSON: it becomes `UNKNOWN` with `outcomeUnknown`, since a stalled job may have sent.
 */
export function readFailure(reason: string | undefined): StoredMailError {
  try {
    const parsed = JSON.parse(reason ?? "") as StoredMailError;
    if (parsed && typeof parsed.code === "string" && typeof parsed.message === "string") return parsed;
  } catch {
    // not ours
  }
  return new MailError("UNKNOWN", reason || "the job failed without a reason", {
    retryable: false,
    outcomeUnknown: true,
  }).toJSON() as StoredMailError;
}

/** The error a job gets when a worker stopped while sending it: it may have been accepted. */
export function interruptedSendError(): MailError {
  return new MailError(
    "UNKNOWN",
    "a worker stopped while sending this message (killed, or it lost the job's lock): the vendor may have accepted it, so it was dead-lettered instead of sent again",
    { retryable: false, outcomeUnknown: true },
  );
}
