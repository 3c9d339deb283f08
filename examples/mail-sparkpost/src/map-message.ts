import {
  formatAddress,
  IDEMPOTENCY_HEADER,
  type MailAddress,
  type NormalizedMessage,
} from "@posse/mail-core/provider";

/** The JSON body of `POST /api/v1/transmissions` (SparkPost's "inline content" transmission). */
export interface SparkpostTransmission {
  recipients: { address: { email: string; header_to: string }; tags?: string[] }[];
  content: {
    from: { email: string; name?: string };
    subject: string;
    text?: string;
    html?: string;
    reply_to?: string;
    headers?: Record<string, string>;
    attachments?: { name: string; type: string; data: string }[];
    inline_images?: { name: string; type: string; data: string }[];
  };
  metadata?: Record<string, string>;
}

const list = (addresses: readonly MailAddress[]) => addresses.map(formatAddress).join(", ");
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

/**
 * Maps a message to a transmission. SparkPost sends one copy per recipient and writes its To header from
 * `header_to`: every copy (to, cc and bcc alike) gets the message's own To list there, and the Cc list
 * travels as a `CC` header, so each reader sees what a mail client would show; bcc appears nowhere.
 */
export function toTransmission(message: NormalizedMessage): SparkpostTransmission {
  const headerTo = list(message.to);
  const tags = message.tags.length > 0 ? { tags: [...message.tags] } : {};
  const recipients = [...message.to, ...message.cc, ...message.bcc].map((recipient) => ({
    address: { email: recipient.address, header_to: headerTo },
    ...tags,
  }));
  const headers: Record<string, string> = { ...message.headers };
  if (message.cc.length > 0) headers.CC = list(message.cc);
  if (message.idempotencyKey !== undefined) headers[IDEMPOTENCY_HEADER] = message.idempotencyKey;
  const files = message.attachments.map((item) => ({
    name: item.contentId ?? item.filename,
    type: item.contentType ?? "application/octet-stream",
    data: base64(item.content),
    inline: item.contentId !== undefined,
  }));
  const attachments = files.filter((file) => !file.inline).map(({ inline: _, ...file }) => file);
  const inline = files.filter((file) => file.inline).map(({ inline: _, ...file }) => file);
  return {
    recipients,
    content: {
      from: { email: message.from.address, ...(message.from.name && { name: message.from.name }) },
      subject: message.subject,
      ...(message.text !== undefined && { text: message.text }),
      ...(message.html !== undefined && { html: message.html }),
      ...(message.replyTo.length > 0 && { reply_to: list(message.replyTo) }),
      ...(Object.keys(headers).length > 0 && { headers }),
      ...(attachments.length > 0 && { attachments }),
      ...(inline.length > 0 && { inline_images: inline }),
    },
    ...(Object.keys(message.metadata).length > 0 && { metadata: { ...message.metadata } }),
  };
}
