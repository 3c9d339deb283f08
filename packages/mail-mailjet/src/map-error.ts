import { MailError } from "@posse/mail-core";
import { type CappedAnswer, httpFailure, type SendResult } from "@posse/mail-core/provider";

/** One entry of Mailjet's `Errors[]` (per message) or its global error body. */
interface MailjetErrorBody {
  ErrorCode?: unknown;
  ErrorMessage?: unknown;
  ErrorRelatedTo?: unknown;
  StatusCode?: unknown;
}

/** The part of a v3.1 send answer the provider reads. */
interface SendAnswer {
  Messages?: AnswerMessage[];
}

/** One `Messages[]` entry of a v3.1 send answer. */
interface AnswerMessage {
  Status?: unknown;
  Errors?: unknown;
  To?: { MessageID?: unknown }[];
}

function describeOne(error: MailjetErrorBody): string | undefined {
  if (typeof error.ErrorMessage !== "string") return undefined;
  const code = typeof error.ErrorCode === "string" ? error.ErrorCode : undefined;
  const related = Array.isArray(error.ErrorRelatedTo) ? error.ErrorRelatedTo.join(", ") : "";
  const notes = [code, related && `related to ${related}`].filter(Boolean).join("; ");
  return notes ? `${error.ErrorMessage} (${notes})` : error.ErrorMessage;
}

/** The `Errors[]` of one answer entry, if that message failed. */
function entryErrors(entry: AnswerMessage | null | undefined): MailjetErrorBody[] | undefined {
  return entry?.Status === "error" && Array.isArray(entry.Errors) ? entry.Errors : undefined;
}

/** The per-message `Errors[]` of a v3.1 answer, if the first message failed. */
function messageErrors(body: unknown): MailjetErrorBody[] | undefined {
  return entryErrors((body as SendAnswer | null)?.Messages?.[0]);
}

function describeErrors(errors: MailjetErrorBody[]): string | undefined {
  return errors.map(describeOne).filter(Boolean).join("; ") || undefined;
}

function describe(body: unknown): string | undefined {
  const errors = messageErrors(body);
  if (errors) return describeErrors(errors);
  if (body && typeof body === "object") return describeOne(body as MailjetErrorBody);
  return undefined;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A message's `Errors[]` (its entry has `Status: "error"`) as a `REJECTED` MailError. */
function rejectedEntry(errors: MailjetErrorBody[]): MailError {
  const status = errors[0]?.StatusCode;
  return httpFailure({
    provider: "mailjet",
    status: typeof status === "number" ? status : 400,
    detail: describeErrors(errors),
    code: "REJECTED",
  });
}

/** A v3.1 answer whose message has `Status: "error"` as a `REJECTED` MailError. */
function rejectedMessage(body: unknown): MailError {
  return rejectedEntry(messageErrors(body) ?? []);
}

/**
 * One `Messages[]` entry of a v3.1 answer (parsed by json-bigint, big ids as strings): its receipt, its
 * `REJECTED` error, or undefined when it is neither.
 */
export function messageOutcome(entry: unknown): SendResult | MailError | undefined {
  const message = entry as AnswerMessage | null | undefined;
  const errors = entryErrors(message);
  if (errors) return rejectedEntry(errors);
  // One id per recipient; the first `To` recipient's is the message's.
  const id = message?.Status === "success" ? message.To?.[0]?.MessageID : undefined;
  if ((typeof id === "string" && /^\d+$/.test(id)) || (typeof id === "number" && Number.isSafeInteger(id))) {
    return { messageId: String(id) };
  }
  return undefined;
}

/**
 * A non-2xx answer as a MailError: Mailjet's `ErrorMessage`s when it sent JSON, else its text (HTML pages
 * are not Mailjet's words and are left out). Its `text` is undefined when the answer passed the size limit.
 */
export function fromMailjetAnswer(response: CappedAnswer): MailError {
  const { text } = response;
  const body = text === undefined ? undefined : parse(text);
  if (messageErrors(body)) return rejectedMessage(body);
  const html = /html/i.test(response.headers.get("content-type") ?? "");
  const plain = typeof body === "string" && !html ? body.replace(/\s+/g, " ").trim() : undefined;
  return httpFailure({
    provider: "mailjet",
    status: response.status,
    detail: describe(body) ?? (plain || undefined),
    retryAfter: response.headers.get("retry-after"),
  });
}

/**
 * The receipt of a 2xx send answer (`body` parsed by json-bigint, big ids as strings). A per-message
 * `Status: "error"` is `REJECTED`; anything that is not Mailjet's success shape (a captive portal's HTML
 * page, an empty body) is `UNKNOWN` with an unknown outcome: something answered, Mailjet may not have.
 */
export function sendResult(response: CappedAnswer, body: unknown): SendResult {
  const outcome = messageOutcome((body as SendAnswer | null)?.Messages?.[0]);
  if (outcome instanceof MailError) throw outcome;
  if (outcome) return outcome;
  throw notAResult(response, "a send result");
}

/** A 2xx answer to `GET /v3/REST/sender` that is not Mailjet's list (`Data[]`) as `UNKNOWN`. */
export function checkSenders(response: CappedAnswer): void {
  const { text } = response;
  const body = text === undefined ? undefined : parse(text);
  if (!Array.isArray((body as { Data?: unknown } | undefined)?.Data))
    throw notAResult(response, "a sender list");
}

/** A 2xx answer without `what` as `UNKNOWN` with an unknown outcome: something answered, Mailjet may not have. */
export function notAResult(response: CappedAnswer, what: string): MailError {
  const type = response.headers.get("content-type") ?? "no content type";
  return new MailError("UNKNOWN", `mailjet answered HTTP ${response.status} (${type}) without ${what}`, {
    provider: "mailjet",
    status: response.status,
    outcomeUnknown: true,
  });
}
