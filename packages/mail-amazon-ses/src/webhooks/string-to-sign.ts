import { WebhookError } from "@posse/mail-core/webhooks";
import type { SnsMessage } from "./sns-message.js";

const NOTIFICATION_KEYS = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"] as const;
const CONFIRMATION_KEYS = [
  "Message",
  "MessageId",
  "SubscribeURL",
  "Timestamp",
  "Token",
  "TopicArn",
  "Type",
] as const;
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * SNS's string to sign: `key\nvalue\n` for each key of the type's fixed, alphabetical list that the message
 * holds, from the decoded JSON values. 401 when a value after `Message` holds a line break or another control
 * character: SNS never sends one there (ids, times, ARNs, a URL, a token; a Subject "must not include line
 * breaks or control characters"), and one would let a forger shift a signed line into another field, e.g.
 * `MessageId: "id\nSubject\ns"` without a `Subject` signs the same as `MessageId: "id", Subject: "s"`, and
 * changes the id events are deduplicated on. `Message` may hold line breaks (SNS's own confirmation text
 * does): it comes first and every line after it is a key or a one-line value, so its end is never in doubt.
 */
export function stringToSign(message: SnsMessage): string {
  const keys = message.Type === "Notification" ? NOTIFICATION_KEYS : CONFIRMATION_KEYS;
  const present = keys.filter((key) => message[key] !== undefined);
  for (const key of present) {
    if (key !== "Message" && CONTROL.test(message[key] ?? "")) {
      throw new WebhookError(401, `the SNS message's ${key} holds a line break or control character`);
    }
  }
  return present.map((key) => `${key}\n${message[key]}\n`).join("");
}
