import { isMailError, MailError, type NormalizedMessage } from "@posse/mail-core";
import {
  MAX_RESPONSE_BYTES,
  type MailTransport,
  type RequestContext,
  type SendResult,
} from "@posse/mail-core/provider";
import type { Message } from "postmark";

// Postmark's batch endpoint takes up to 500 messages and 50 MB of payload, attachments included, and answers
// 200 with one entry per message, in order, each with its own ErrorCode and MessageID (the id its webhooks
// carry): https://postmarkapp.com/developer/user-guide/send-email-with-api/batch-emails
/** Most messages `POST /email/batch` takes in one request. */
export const POSTMARK_MAX_BATCH = 500;
/** Largest `POST /email/batch` body, in bytes. */
export const POSTMARK_MAX_BATCH_BYTES = 50 * 1000 * 1000;

/** One message's outcome in a batch. */
type Outcome = SendResult | MailError;

/** A message mapped for the batch: where its outcome goes, the size of its JSON and most of its answer's. */
interface Entry {
  readonly index: number;
  readonly email: Message;
  readonly bytes: number;
  readonly answerBytes: number;
}

/**
 * Most bytes of Postmark's answer entry for `email`: its fixed fields (ErrorCode, Message, MessageID,
 * SubmittedAt) and the recipient lists it echoes, each character counted twice for JSON escapes.
 */
function answerBytesOf(email: Message): number {
  const recipients = `${email.To ?? ""}${email.Cc ?? ""}${email.Bcc ?? ""}`;
  return 256 + 2 * Buffer.byteLength(recipients);
}

/** Sends the emails in one `POST /email/batch` (the SDK's `sendEmailBatch`); rejects with a `MailError`. */
export type PostBatch = (emails: Message[], context: RequestContext) => Promise<unknown>;

function unknownAnswer(detail: string): MailError {
  return new MailError("UNKNOWN", `postmark answered its batch without ${detail}`, {
    provider: "postmark",
    outcomeUnknown: true,
  });
}

/** One entry of Postmark's batch answer as the message's receipt or error. */
function outcomeOf(entry: unknown): Outcome {
  const { ErrorCode, Message: text, MessageID } = (entry ?? {}) as Record<string, unknown>;
  if (ErrorCode === 0 && typeof MessageID === "string" && MessageID !== "") return { messageId: MessageID };
  if (typeof ErrorCode !== "number" || ErrorCode === 0) return unknownAnswer("a result for this message");
  // What POST /email answers 422 for (300 invalid request, 406 inactive recipient, …), told per message.
  const detail = typeof text === "string" ? `${text} (ErrorCode ${ErrorCode})` : `ErrorCode ${ErrorCode}`;
  return new MailError("REJECTED", `postmark refused the message in its batch: ${detail}`, {
    provider: "postmark",
  });
}

/** Postmark's answer to a batch of `count` messages, one outcome each, or one error for all. */
function outcomesOf(answer: unknown, count: number): Outcome[] | MailError {
  if (!Array.isArray(answer) || answer.length !== count) return unknownAnswer("one result per message");
  return answer.map(outcomeOf);
}

/**
 * The entries in order, in groups whose JSON stays under Postmark's payload limit and whose answer stays
 * under the size the provider reads (past it, no message of the group would learn its outcome).
 */
export function splitBySize(entries: readonly Entry[]): Entry[][] {
  const groups: Entry[][] = [];
  let bytes = Number.POSITIVE_INFINITY;
  let answerBytes = 0;
  for (const entry of entries) {
    if (
      bytes + entry.bytes > POSTMARK_MAX_BATCH_BYTES ||
      answerBytes + entry.answerBytes > MAX_RESPONSE_BYTES
    ) {
      groups.push([]);
      bytes = 2; // the array's brackets
      answerBytes = 2;
    }
    groups.at(-1)!.push(entry);
    bytes += entry.bytes + 1;
    answerBytes += entry.answerBytes + 1;
  }
  return groups;
}

/**
 * The transport's `sendBatch`: every message Postmark can carry goes in `POST /email/batch` (more than one
 * request only past 50 MB, or for an answer past the size read), a message it cannot (`UNSUPPORTED`) gets its error without a request. A failed
 * request that carried every message throws its error; otherwise each message it carried gets that error.
 */
export function postmarkBatchSender(
  toEmail: (message: NormalizedMessage) => Message,
  post: PostBatch,
): NonNullable<MailTransport["sendBatch"]> {
  return async (messages, context) => {
    const outcomes: Outcome[] = [];
    const entries: Entry[] = [];
    messages.forEach((message, index) => {
      try {
        const email = toEmail(message);
        const bytes = Buffer.byteLength(JSON.stringify(email));
        entries.push({ index, email, bytes, answerBytes: answerBytesOf(email) });
      } catch (error) {
        if (!isMailError(error)) throw error;
        outcomes[index] = error;
      }
    });
    const groups = splitBySize(entries);
    for (const group of groups) {
      const answer = await post(
        group.map((entry) => entry.email),
        context,
      ).then(
        (body) => outcomesOf(body, group.length),
        (error: MailError) => error,
      );
      // One request for every message, failed as a whole: the core takes that as a throw.
      if (!Array.isArray(answer) && groups.length === 1 && group.length === messages.length) throw answer;
      group.forEach((entry, i) => {
        outcomes[entry.index] = Array.isArray(answer) ? answer[i]! : answer;
      });
    }
    return outcomes;
  };
}
