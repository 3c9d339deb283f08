import { type MailAddress, MailError, type NormalizedMessage } from "@posse/mail-core";
import { encodeWords, IDEMPOTENCY_HEADER, unsupportedField } from "@posse/mail-core/provider";
import type { Address, Attachment, SendMailOptions } from "nodemailer";

// nodemailer encodes non-ASCII text itself (RFC 2047) but passes ASCII through, so text that reads as an
// encoded-word ("=?UTF-8?B?…?=") would be decoded by the recipient into something else. Encode it first.
function literal(text: string): string {
  return text.includes("=?") ? encodeWords(text) : text;
}

function address(mailbox: MailAddress): Address {
  return { name: literal(mailbox.name ?? ""), address: mailbox.address };
}

// RFC 5322 §2.1.1: no line of a message may be longer than 998 octets (plus CRLF).
const LONG_LINE = /[^\r\n]{999}/;

function hasLongLineOrNul(content: Uint8Array): boolean {
  return content.includes(0) || LONG_LINE.test(Buffer.from(content).toString("latin1"));
}

type NormalizedAttachment = NormalizedMessage["attachments"][number];

/** The media type without parameters, in lower case (`""` when none was given). */
function mediaType(attachment: NormalizedAttachment): string {
  return (attachment.contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

function isEightBitMessage(attachment: NormalizedAttachment): boolean {
  return mediaType(attachment) === "message/rfc822" && attachment.content.some((byte) => byte >= 0x80);
}

/**
 * One attachment as a MIME part. A `multipart/*` body is a tree of parts, not bytes nodemailer can carry
 * (it sent the part empty), and `message/*` bodies may not be base64-encoded (RFC 2046 §5.2.1), so they
 * are refused, except `message/rfc822`: attached as it is (7bit or 8bit) when its lines fit SMTP.
 */
function toAttachment(attachment: NormalizedAttachment, index: number): Attachment {
  const field = `attachments[${index}].contentType`;
  const type = mediaType(attachment);
  const rfc822 = type === "message/rfc822";
  if (type.startsWith("multipart/") || (type.startsWith("message/") && !rfc822)) {
    throw unsupportedField(
      "smtp",
      field,
      `${type} is a MIME structure, not content an attachment can carry; send it as application/octet-stream`,
    );
  }
  if (rfc822 && hasLongLineOrNul(attachment.content)) {
    throw new MailError(
      "INVALID_MESSAGE",
      `attachments[${index}].content: a message/rfc822 attachment is sent unencoded, so it must have no ` +
        "NUL byte and no line longer than 998 octets; send it as application/octet-stream instead",
      { provider: "smtp", field: `attachments[${index}].content` },
    );
  }
  return {
    filename: attachment.filename,
    content: Buffer.from(attachment.content),
    ...(attachment.contentType !== undefined && { contentType: attachment.contentType }),
    ...(attachment.contentId !== undefined && { cid: attachment.contentId }),
    // nodemailer shows a message/* part inline, where clients merge it into the body.
    ...(rfc822 && attachment.contentId === undefined && { contentDisposition: "attachment" as const }),
  };
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
    ...(message.attachments.length > 0 && { attachments: message.attachments.map(toAttachment) }),
    ...(message.attachments.some(isEightBitMessage) && {
      // An 8bit part: MAIL FROM says BODY=8BITMIME (RFC 6152) when the server offers it.
      envelope: {
        from: message.from.address,
        to: [...message.to, ...message.cc, ...message.bcc].map((mailbox) => mailbox.address),
        use8BitMime: true,
      } as SendMailOptions["envelope"],
    }),
  };
}
