import { isMailError, type MailError, type NormalizedMessage } from "@posse/mail-core";
import {
  answerTooLargeError,
  type CappedAnswer,
  type MailTransport,
  type RequestContext,
  type SendResult,
} from "@posse/mail-core/provider";
import type { SendEmailV3_1 } from "node-mailjet";
import { fromMailjetAnswer, messageOutcome, notAResult } from "./map-error.js";

// Send API v3.1 takes up to 50 messages a call ("v3.1, where the limit is 50 messages per call":
// https://dev.mailjet.com/reference/email/send-emails/) and answers one `Messages[]` entry per message, in
// order, each with its own Status, Errors and MessageIDs (the ids its webhooks carry); "the API will not stop
// the processing of other successful messages"
// (https://github.com/mailjet/api-documentation/blob/master/guides/_send-api.md, "Send in bulk").
/** Most messages `POST /v3.1/send` takes in one request. */
export const MAILJET_MAX_BATCH = 50;

/** One message's outcome in a batch. */
type Outcome = SendResult | MailError;

/** Sends one v3.1 payload and returns the answer as read; rejects with a `MailError` when none came. */
export type PostMessages = (
  payload: { Messages: SendEmailV3_1.Message[] },
  context: RequestContext,
) => Promise<CappedAnswer>;

/**
 * Mailjet's answer to `count` messages: an outcome each when it holds one entry per message (on a 2xx, or
 * on a 400, which carries the entries when some message failed), else one error for all.
 */
function outcomesOf(
  answer: CappedAnswer,
  count: number,
  parse: (text: string) => unknown,
): Outcome[] | MailError {
  if (answer.text === undefined) {
    return answer.ok ? answerTooLargeError("mailjet", answer.status) : fromMailjetAnswer(answer);
  }
  const entries = (parse(answer.text) as { Messages?: unknown } | null)?.Messages;
  if ((answer.ok || answer.status === 400) && Array.isArray(entries) && entries.length === count) {
    return entries.map((entry) => messageOutcome(entry) ?? notAResult(answer, "a result for this message"));
  }
  return answer.ok ? notAResult(answer, "one result per message") : fromMailjetAnswer(answer);
}

/**
 * The transport's `sendBatch`: every message Mailjet can carry goes in one `Messages[]`, a message it cannot
 * (`UNSUPPORTED`) gets its error without a request. A failed request that carried every message throws its
 * error; otherwise each message it carried gets that error.
 * `parse` is the SDK's json-bigint parser, which keeps the 64-bit MessageIDs digit for digit.
 */
export function mailjetBatchSender(
  toMessage: (message: NormalizedMessage) => SendEmailV3_1.Message,
  post: PostMessages,
  parse: (text: string) => unknown,
): NonNullable<MailTransport["sendBatch"]> {
  return async (messages, context) => {
    const outcomes: Outcome[] = [];
    const entries: { index: number; message: SendEmailV3_1.Message }[] = [];
    messages.forEach((message, index) => {
      try {
        entries.push({ index, message: toMessage(message) });
      } catch (error) {
        if (!isMailError(error)) throw error;
        outcomes[index] = error;
      }
    });
    if (entries.length === 0) return outcomes;
    const answer = await post({ Messages: entries.map((entry) => entry.message) }, context).then(
      (response) => outcomesOf(response, entries.length, parse),
      (error: MailError) => error,
    );
    // One request for every message, failed as a whole: the core takes that as a throw.
    if (!Array.isArray(answer) && entries.length === messages.length) throw answer;
    entries.forEach((entry, i) => {
      outcomes[entry.index] = Array.isArray(answer) ? answer[i]! : answer;
    });
    return outcomes;
  };
}
