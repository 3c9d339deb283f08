import { formatAddress, type NormalizedMessage } from "@posse/mail-core";
import { IDEMPOTENCY_HEADER, unsupportedField } from "@posse/mail-core/provider";
import type { CustomFile, MailgunMessageData } from "mailgun.js/definitions";

// Mailgun tags are ASCII (it strips anything else) and at most 128 characters; a message takes 10.
const TAG_TEXT = /^[\x20-\x7e]{1,128}$/;
const MAX_TAGS = 10;
// form-data keeps only path.basename(filename) and escapes `"`: such a name would not arrive as given.
const UNSAFE_FILENAME = /[/\\"]/;

function tags(message: NormalizedMessage): string[] {
  if (message.tags.length > MAX_TAGS) {
    throw unsupportedField("mailgun", "tags", `Mailgun takes at most ${MAX_TAGS} tags per message`);
  }
  message.tags.forEach((tag, i) => {
    if (!TAG_TEXT.test(tag)) {
      throw unsupportedField(
        "mailgun",
        `tags[${i}]`,
        "Mailgun tags are printable ASCII, 1 to 128 characters",
      );
    }
  });
  return [...message.tags];
}

// Core guarantees non-empty values, which matters: the SDK leaves out every empty form field.
function prefixed(prefix: string, entries: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).map(([key, value]) => [`${prefix}${key}`, value]));
}

// The core drops an X-Idempotency-Key header that repeats idempotencyKey and refuses one that differs.
function headers(message: NormalizedMessage): Record<string, string> {
  return {
    ...prefixed("h:", message.headers),
    ...(message.idempotencyKey !== undefined && { [`h:${IDEMPOTENCY_HEADER}`]: message.idempotencyKey }),
  };
}

function files(message: NormalizedMessage) {
  const attachment: CustomFile[] = [];
  const inline: CustomFile[] = [];
  message.attachments.forEach((file, i) => {
    // Mailgun gives an inline part the Content-ID of its file name, so the name must be the contentId.
    const filename = file.contentId ?? file.filename;
    if (UNSAFE_FILENAME.test(filename)) {
      const field =
        file.contentId === undefined ? `attachments[${i}].filename` : `attachments[${i}].contentId`;
      throw unsupportedField("mailgun", field, 'Mailgun file names cannot hold "/", "\\" or \'"\'');
    }
    const part: CustomFile = {
      data: Buffer.from(file.content),
      filename,
      ...(file.contentType !== undefined && { contentType: file.contentType }),
    };
    (file.contentId === undefined ? attachment : inline).push(part);
  });
  return {
    ...(attachment.length > 0 && { attachment }),
    ...(inline.length > 0 && { inline }),
  };
}

/** The `messages.create` form fields for a message: only the fields the caller set. */
export function toMailgunMessage(message: NormalizedMessage): MailgunMessageData {
  const list = (addresses: NormalizedMessage["to"]) => addresses.map(formatAddress);
  const tagList = tags(message);
  return {
    from: formatAddress(message.from),
    to: list(message.to),
    ...(message.cc.length > 0 && { cc: list(message.cc) }),
    ...(message.bcc.length > 0 && { bcc: list(message.bcc) }),
    // formatAddress quotes any name holding a comma, so the joined list splits back as given.
    ...(message.replyTo.length > 0 && { "h:Reply-To": list(message.replyTo).join(", ") }),
    subject: message.subject,
    ...(message.text !== undefined && { text: message.text }),
    ...(message.html !== undefined && { html: message.html }),
    ...headers(message),
    ...(tagList.length > 0 && { "o:tag": tagList }),
    ...prefixed("v:", message.metadata),
    ...files(message),
  } as MailgunMessageData;
}
