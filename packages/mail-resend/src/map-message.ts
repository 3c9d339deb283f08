import { formatAddress, type NormalizedMessage } from "@posse/mail-core";
import { unsupportedField } from "@posse/mail-core/provider";
import type { CreateEmailOptions } from "resend";

// Resend accepts tag names and values made of ASCII letters, digits, "_" and "-".
const TAG_TEXT = /^[A-Za-z0-9_-]{1,256}$/;

function tag(field: string, name: string, value: string) {
  if (!TAG_TEXT.test(name) || !TAG_TEXT.test(value)) {
    throw unsupportedField("resend", field, "Resend tags allow only ASCII letters, digits, _ and -");
  }
  return { name, value };
}

/** The `emails.send` payload for a message: only the fields the caller set. */
export function toResendEmail(message: NormalizedMessage): CreateEmailOptions {
  const list = (addresses: NormalizedMessage["to"]) => addresses.map(formatAddress);
  const tags = [
    ...message.tags.map((name, i) => tag(`tags[${i}]`, name, "true")),
    ...Object.entries(message.metadata).map(([key, value]) => tag(`metadata.${key}`, key, value)),
  ];
  return {
    from: formatAddress(message.from),
    to: list(message.to),
    subject: message.subject,
    ...(message.cc.length > 0 && { cc: list(message.cc) }),
    ...(message.bcc.length > 0 && { bcc: list(message.bcc) }),
    ...(message.replyTo.length > 0 && { replyTo: list(message.replyTo) }),
    ...(message.text !== undefined && { text: message.text }),
    ...(message.html !== undefined && { html: message.html }),
    ...(Object.keys(message.headers).length > 0 && { headers: { ...message.headers } }),
    ...(message.attachments.length > 0 && {
      attachments: message.attachments.map((attachment) => ({
        filename: attachment.filename,
        content: Buffer.from(attachment.content),
        ...(attachment.contentType !== undefined && { contentType: attachment.contentType }),
        ...(attachment.contentId !== undefined && { contentId: attachment.contentId }),
      })),
    }),
    ...(tags.length > 0 && { tags }),
  } as CreateEmailOptions;
}
