import { httpFailure, MailError, noResponseFailure } from "@posse/mail-core";

/** One entry of Mailjet's `Errors[]` (per message) or its global error body. */
interface MailjetErrorBody {
  ErrorCode?: unknown;
  ErrorMessage?: unknown;
  ErrorRelatedTo?: unknown;
  StatusCode?: unknown;
}

/** What the SDK throws: a plain Error with the status and the axios response copied onto it. */
interface MailjetErrorShape {
  message?: string;
  code?: string;
  statusCode?: number | null;
  originalMessage?: string;
  response?: { data?: unknown; headers?: Record<string, unknown> } | null;
}

function describeOne(error: MailjetErrorBody): string | undefined {
  if (typeof error.ErrorMessage !== "string") return undefined;
  const code = typeof error.ErrorCode === "string" ? error.ErrorCode : undefined;
  const related = Array.isArray(error.ErrorRelatedTo) ? error.ErrorRelatedTo.join(", ") : "";
  const notes = [code, related && `related to ${related}`].filter(Boolean).join("; ");
  return notes ? `${error.ErrorMessage} (${notes})` : error.ErrorMessage;
}

/** The per-message `Errors[]` of a v3.1 answer, if the first message failed. */
export function messageErrors(body: unknown): MailjetErrorBody[] | undefined {
  const first = (body as { Messages?: { Status?: unknown; Errors?: unknown }[] } | null)?.Messages?.[0];
  return first?.Status === "error" && Array.isArray(first.Errors) ? first.Errors : undefined;
}

function describe(body: unknown): string | undefined {
  const errors = messageErrors(body);
  if (errors) return errors.map(describeOne).filter(Boolean).join("; ") || undefined;
  if (body && typeof body === "object") return describeOne(body as MailjetErrorBody);
  if (typeof body === "string") return body.replace(/\s+/g, " ").trim().slice(0, 200) || undefined;
  return undefined;
}

/** A v3.1 answer whose message has `Status: "error"` as a `REJECTED` MailError. */
export function rejectedMessage(body: unknown): MailError {
  const status = messageErrors(body)?.[0]?.StatusCode;
  return httpFailure({
    provider: "mailjet",
    status: typeof status === "number" ? status : 400,
    detail: describe(body),
    code: "REJECTED",
  });
}

/** Any failure thrown by the Mailjet SDK as a MailError. */
export function fromMailjetError(error: unknown): MailError {
  const failure = (error ?? {}) as MailjetErrorShape;
  if (typeof failure.statusCode === "number") {
    const retryAfter = failure.response?.headers?.["retry-after"];
    return httpFailure({
      provider: "mailjet",
      status: failure.statusCode,
      detail: describe(failure.response?.data) ?? failure.originalMessage,
      retryAfter: typeof retryAfter === "string" ? retryAfter : undefined,
      cause: error,
    });
  }
  // axios reports its own timeout as ECONNABORTED ("timeout of N ms exceeded").
  if (failure.code === "ECONNABORTED" && /timeout/i.test(failure.originalMessage ?? "")) {
    return new MailError("TIMEOUT", "mailjet did not answer in time", {
      provider: "mailjet",
      outcomeUnknown: true,
      cause: error,
    });
  }
  return noResponseFailure("mailjet", error, failure.originalMessage ?? failure.message ?? String(error));
}
