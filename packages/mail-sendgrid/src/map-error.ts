import { MailError } from "@posse/mail-core";
import { httpFailure, MAX_RESPONSE_BYTES, noResponseFailure } from "@posse/mail-core/provider";
import type { ResponseError } from "@sendgrid/mail";

interface SendgridErrorBody {
  errors?: { message?: string; field?: string | null; help?: unknown }[];
}

function header(headers: unknown, name: string): string | undefined {
  const value = (headers as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" ? value : undefined;
}

function detail(error: ResponseError): string {
  const body = error.response?.body as SendgridErrorBody | string | undefined;
  const errors = typeof body === "object" && Array.isArray(body?.errors) ? body.errors : [];
  const messages = errors
    .filter((item) => item?.message)
    .map((item) => (item.field ? `${item.message} (field ${item.field})` : item.message));
  if (messages.length > 0) return messages.join("; ");
  // Not cut here: core masks secrets in the whole text before it bounds it.
  return typeof body === "string" && body.trim() !== "" ? body.trim() : error.message;
}

// X-RateLimit-Reset is epoch seconds; core reads Retry-After as delta-seconds.
function retryAfter(headers: unknown, now: () => number): string | undefined {
  const explicit = header(headers, "retry-after");
  if (explicit !== undefined) return explicit;
  const reset = Number(header(headers, "x-ratelimit-reset"));
  return Number.isFinite(reset) && reset > 0
    ? String(Math.max(0, Math.ceil(reset - now() / 1000)))
    : undefined;
}

/** A SendGrid `ResponseError` (HTTP status in `code`, `response.body.errors[]`) as a MailError. */
function fromResponseError(error: ResponseError, now: () => number): MailError {
  const status = error.code;
  const body = error.response?.body as SendgridErrorBody | undefined;
  // A 403 naming the from field is an unverified Sender Identity, not a bad key.
  const senderRefused =
    status === 403 && Array.isArray(body?.errors) && body.errors.some((item) => item?.field === "from");
  return httpFailure({
    provider: "sendgrid",
    status,
    detail: detail(error),
    retryAfter: status === 429 ? retryAfter(error.response?.headers, now) : undefined,
    code: senderRefused ? "REJECTED" : undefined,
    cause: error,
  });
}

/** Any failure of `MailService.send` or `client.request` as a MailError (or the error itself, if not the SDK's). */
export function fromSendgridError(error: unknown, now: () => number): unknown {
  const candidate = error as Partial<ResponseError> & { isAxiosError?: boolean };
  if (typeof candidate?.code === "number" && candidate.response) {
    return fromResponseError(error as ResponseError, now);
  }
  // axios stopped reading an answer over maxContentLength (it then destroys the socket). Whatever the
  // status was, SendGrid's acceptance cannot be read from it.
  if (candidate?.isAxiosError && /^maxContentLength size of \d+ exceeded$/.test(String(candidate.message))) {
    return new MailError(
      "UNKNOWN",
      `sendgrid's answer was larger than ${MAX_RESPONSE_BYTES} bytes; stopped reading it, so the message may or may not have been sent`,
      { provider: "sendgrid", outcomeUnknown: true, cause: error },
    );
  }
  // A 3xx (the SDK makes a ResponseError of 4xx and 5xx only): redirects are not followed, and whether
  // whatever answered passed the message on cannot be told.
  const status = (candidate as { response?: { status?: unknown } }).response?.status;
  if (candidate?.isAxiosError && typeof status === "number") {
    return new MailError(
      "UNKNOWN",
      `sendgrid answered HTTP ${status}, a redirect, which is not followed; the message may or may not have been sent`,
      { provider: "sendgrid", status, outcomeUnknown: true, cause: error },
    );
  }
  // axios failed without an HTTP answer (connection refused, reset, …).
  if (candidate?.isAxiosError) {
    return noResponseFailure("sendgrid", error, String(candidate.message));
  }
  return error;
}
