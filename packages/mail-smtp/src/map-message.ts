import {
  encodeWords,
  IDEMPOTENCY_HEADER,
  type MailAddress,
  type NormalizedMessage,
  unsupportedField,
} from "@posse/mail-core";
import type { Address, SendMailOptions } from "nodemailer";

// nodemailer encodes non-ASCII text itself (RFC 2047) but passes ASCII through, so text that reads as an
// encoded-word ("=?UTF-8?B?…?=") would be decoded by the recipient into something else. Encode it first.
function literal(text: string): string {
  return text.includes("=?") ? encodeWords(text) : text;
}

function address(mailbox: MailAddress): Address {
  return { name: literal(mailbox.name ?? ""), address: mailbox.address };
}

/** The nodemailer message for a normalized message: only the fields the caller set. */
export function toNodemailerMessage(message: NormalizedMessage): SendMailOptions {
  if (message.tags.length > 0) {
    throw unsupportedField("smtp", "tags", "SMTP has no tags; put them in a custom header instead");
  }
  if (Object.keys(message.metadata).length > 0) {
    throw unsupportedField("smtp", "metadata", "SMTP has no metadata; put it in a custom header instead");
  }
  const list = (addresses: NormalizedMessage["to"]) => addresses.map(address);
  const headers: Record<string, string> = {
    ...message.headers,
    ...(message.idempotencyKey !== undefined && { [IDEMPOTENCY_HEADER]: message.idempotencyKey }),
  };
  return {
    from: address(message.from),
    to: list(message.to),
    subject: literal(message.subject),
    ...(message.cc.length > 0 && { cc: list(message.cc) }),
    ...(message.bcc.length > 0 && { bcc: list(message.bcc) }),
    ...(message.replyTo.length > 0 && { replyTo: list(message.replyTo) }),
    ...(message.text !== undefined && { text: message.text }),
    ...(message.html !== undefined && { html: message.html }),
    ...(Object.keys(headers).length > 0 && { headers }),
    ...(message.attachments.length > 0 && {
      attachments: message.attachments.map((attachment) => ({
        filename: attachment.filename,
        content: Buffer.from(attachment.content),
        ...(attachment.contentType !== undefined && { contentType: attachment.contentType }),
        ...(attachment.contentId !== undefined && { cid: attachment.contentId }),
      })),
    }),
  };
}
