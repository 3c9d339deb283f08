import {
  IDEMPOTENCY_HEADER,
  type MailAddress,
  type NormalizedMessage,
  unsupportedField,
} from "@posse/mail-core";
import type { MailDataRequired } from "@sendgrid/mail";

// SendGrid's documented limits: at most 10 categories of at most 255 characters each, and custom_args
// of at most 10,000 bytes in all.
const CATEGORIES_MAX = 10;
const CATEGORY_LENGTH_MAX = 255;
const CUSTOM_ARGS_BYTES_MAX = 10_000;

const mailbox = ({ address, name }: MailAddress) => (name ? { email: address, name } : { email: address });

/** `text/plain; charset=utf-8` → `text/plain`. */
const mimeEssence = (contentType: string) => contentType.split(";")[0]!.trim();

function categories(tags: readonly string[]): string[] {
  if (tags.length > CATEGORIES_MAX) {
    throw unsupportedField("sendgrid", "tags", `SendGrid takes at most ${CATEGORIES_MAX} categories`);
  }
  tags.forEach((tag, i) => {
    if (tag.length > CATEGORY_LENGTH_MAX) {
      throw unsupportedField(
        "sendgrid",
        `tags[${i}]`,
        `SendGrid categories are at most ${CATEGORY_LENGTH_MAX} characters`,
      );
    }
  });
  return [...tags];
}

function customArgs(metadata: Readonly<Record<string, string>>): Record<string, string> | undefined {
  if (Object.keys(metadata).length === 0) return undefined;
  if (Buffer.byteLength(JSON.stringify(metadata)) > CUSTOM_ARGS_BYTES_MAX) {
    throw unsupportedField(
      "sendgrid",
      "metadata",
      `SendGrid custom_args are at most ${CUSTOM_ARGS_BYTES_MAX} bytes`,
    );
  }
  return { ...metadata };
}

/**
 * The `MailService.send` input for a message: only the fields the caller set. Recipients go in one
 * personalization as `{ email, name }` objects (names never parsed out of strings), and so do the
 * e-mail headers: the SDK copies top-level `headers` into the HTTP request's headers, a personalization's
 * stay in the body. Attachments are passed in the API's own shape (`content_id`), which the SDK sends
 * unchanged; its `contentId` would be sent unconverted and refused.
 */
export function toSendgridMail(message: NormalizedMessage): MailDataRequired {
  const headers = {
    ...message.headers,
    // No native idempotency: record the key on the e-mail so a duplicate can be traced.
    ...(message.idempotencyKey !== undefined && { [IDEMPOTENCY_HEADER]: message.idempotencyKey }),
  };
  const tags = categories(message.tags);
  const args = customArgs(message.metadata);
  return {
    from: mailbox(message.from),
    subject: message.subject,
    personalizations: [
      {
        to: message.to.map(mailbox),
        ...(message.cc.length > 0 && { cc: message.cc.map(mailbox) }),
        ...(message.bcc.length > 0 && { bcc: message.bcc.map(mailbox) }),
        ...(Object.keys(headers).length > 0 && { headers }),
      },
    ],
    ...(message.replyTo.length === 1 && { replyTo: mailbox(message.replyTo[0]!) }),
    ...(message.replyTo.length > 1 && { replyToList: message.replyTo.map(mailbox) }),
    // The SDK orders content text/plain first, then text/html, as the API requires.
    ...(message.text !== undefined && { text: message.text }),
    ...(message.html !== undefined && { html: message.html }),
    ...(message.attachments.length > 0 && {
      attachments: message.attachments.map((attachment) => ({
        content: Buffer.from(attachment.content).toString("base64"),
        filename: attachment.filename,
        // SendGrid takes a bare MIME type: it refuses a `;` ("The attachment type cannot contain ';'"),
        // so parameters such as the charset of a string attachment cannot travel.
        ...(attachment.contentType !== undefined && { type: mimeEssence(attachment.contentType) }),
        ...(attachment.contentId !== undefined && {
          disposition: "inline",
          content_id: attachment.contentId,
        }),
      })),
    }),
    ...(tags.length > 0 && { categories: tags }),
    ...(args !== undefined && { customArgs: args }),
  } as MailDataRequired;
}
