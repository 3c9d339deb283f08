import { isMailError, MailError, type NormalizedMessage } from "@posse/mail-core";
import type { MailTransport, RequestContext, SendResult } from "@posse/mail-core/provider";
import type { CreateBatchOptions, Resend } from "resend";
import { fromResendError } from "./map-error.js";
import { toResendEmail } from "./map-message.js";
import type { WatchedExchange } from "./response-watch.js";

// Resend's POST /emails/batch takes up to 100 emails, but not their attachments ("attachments and
// scheduled_at fields are not supported yet") and one Idempotency-Key for the whole request:
// https://resend.com/docs/api-reference/emails/send-batch-emails. With `x-batch-validation: permissive` it
// creates every valid email and answers `data` (an id each, in order, the id its webhooks carry) and
// `errors` ({ index, message }) for the others: https://resend.com/docs/dashboard/emails/batch-validation-modes
/** Most emails `POST /emails/batch` takes in one request. */
export const RESEND_MAX_BATCH = 100;

/** One message's outcome in a batch. */
type Outcome = SendResult | MailError;

/** The fetch options of one SDK call (its signal, the watch that records the exchange, …). */
export type FetchOptions = (context: RequestContext, exchange: WatchedExchange) => object;

/**
 * Whether the batch carries the message as `emails.send` does: not with attachments (the batch drops them)
 * nor with an idempotency key (the batch has one key for all its emails). Others go through `send`.
 */
export function canBatch(message: NormalizedMessage): boolean {
  return message.attachments.length === 0 && message.idempotencyKey === undefined;
}

/** Why `canBatch` refused a message, as the error it gets if it reaches the batch anyway. */
function notBatchable(message: NormalizedMessage): MailError {
  const field = message.attachments.length > 0 ? "attachments" : "idempotencyKey";
  return new MailError("UNSUPPORTED", `resend's batch cannot carry ${field}: send this message with send()`, {
    provider: "resend",
    field,
  });
}

function unknownAnswer(status: number | undefined): MailError {
  return new MailError("UNKNOWN", "resend answered its batch without one result per email", {
    provider: "resend",
    status,
    outcomeUnknown: true,
  });
}

/** The permissive answer's `errors` by index, when each names a distinct email of the batch. */
function errorsByIndex(errors: unknown, count: number): Map<number, string> | undefined {
  if (errors === undefined) return new Map();
  if (!Array.isArray(errors)) return undefined;
  const byIndex = new Map<number, string>();
  for (const { index, message } of errors as { index?: unknown; message?: unknown }[]) {
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= count) return undefined;
    if (byIndex.has(index as number)) return undefined;
    byIndex.set(index as number, typeof message === "string" ? message : "no reason given");
  }
  return byIndex;
}

/** Resend's permissive answer to `count` emails: one outcome each, or one error for all. */
function outcomesOf(body: unknown, count: number, status: number | undefined): Outcome[] | MailError {
  const { data, errors } = (body ?? {}) as { data?: unknown; errors?: unknown };
  const refused = errorsByIndex(errors, count);
  const ids = Array.isArray(data) ? data.map((entry) => (entry as { id?: unknown } | null)?.id) : [];
  const valid = ids.every((id) => typeof id === "string" && id !== "");
  if (!refused || !valid || ids.length + refused.size !== count) return unknownAnswer(status);
  let next = 0;
  return Array.from({ length: count }, (_, index) => {
    const reason = refused.get(index);
    if (reason === undefined) return { messageId: ids[next++] as string };
    return new MailError("REJECTED", `resend refused the email in its batch: ${reason}`, {
      provider: "resend",
    });
  });
}

/**
 * The transport's `sendBatch`: the messages `canBatch` takes go in one `POST /emails/batch` (the SDK's
 * `batch.send`, permissive, so that one invalid email does not fail the others); a message it cannot carry
 * gets an error without a request. A failed request that carried every message throws its error; otherwise
 * each message it carried gets that error.
 */
export function resendBatchSender(
  client: Resend,
  fetchOptions: FetchOptions,
): NonNullable<MailTransport["sendBatch"]> {
  return async (messages, context) => {
    const outcomes: Outcome[] = [];
    const entries: { index: number; email: CreateBatchOptions[number] }[] = [];
    messages.forEach((message, index) => {
      try {
        if (!canBatch(message)) throw notBatchable(message);
        entries.push({ index, email: toResendEmail(message) as CreateBatchOptions[number] });
      } catch (error) {
        if (!isMailError(error)) throw error;
        outcomes[index] = error;
      }
    });
    if (entries.length === 0) return outcomes;
    const exchange: WatchedExchange = {};
    const { data, error, headers } = await client.batch.send(
      entries.map((entry) => entry.email),
      { batchValidation: "permissive", ...fetchOptions(context, exchange) } as {
        batchValidation: "permissive";
      },
    );
    const answer = error
      ? fromResendError(error, headers, exchange)
      : outcomesOf(data, entries.length, exchange.status);
    // One request for every message, failed as a whole: the core takes that as a throw.
    if (!Array.isArray(answer) && entries.length === messages.length) throw answer;
    entries.forEach((entry, i) => {
      outcomes[entry.index] = Array.isArray(answer) ? answer[i]! : answer;
    });
    return outcomes;
  };
}
