import type { MailAddress, NormalizedMessage } from "@posse/mail-core";
import { IDEMPOTENCY_HEADER, unsupportedField } from "@posse/mail-core/provider";

// SendGrid's documented limits: at most 10 categories of at most 255 characters each, and custom_args
// of at most 10,000 bytes in all.
const CATEGORIES_MAX = 10;
const CATEGORY_LENGTH_MAX = 255;
const CUSTOM_ARGS_BYTES_MAX = 10_000;

const mailbox = ({ address, name }: MailAddress): Mailbox =>
  name ? { email: address, name } : { email: address };

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

/** A mailbox as the API's JSON has it: the name only when there is one. */
interface Mailbox {
  email: string;
  name?: string;
}

/** The body of `POST /v3/mail/send` as this provider sends it. */
export interface SendgridBody {
  from: Mailbox;
  subject: string;
  personalizations: [{ to: Mailbox[]; cc?: Mailbox[]; bcc?: Mailbox[]; headers?: Record<string, string> }];
  attachments?: {
    content: string;
    filename: string;
    type?: string;
    disposition?: "inline";
    content_id?: string;
  }[];
  categories?: string[];
  content?: { value: string; type: "text/plain" | "text/html" }[];
  custom_args?: Record<string, string>;
  reply_to?: Mailbox;
  reply_to_list?: Mailbox[];
}

/**
 * The JSON body of `POST /v3/mail/send` for a message: only the fields the caller set, in the order and
 * shape the SDK's `Mail.toJSON` gives them (its `Mail.create` deep-copies and re-cases the input twice
 * per send, more work than all of posse-mail's own). Recipients go in one personalization as
 * `{ email, name }` objects (names never parsed out of strings), and so do the e-mail headers, which
 * stay in the body. Content is text/plain first, then text/html, as the API requires.
 */
export function toSendgridBody(message: NormalizedMessage): SendgridBody {
  const headers =
    message.idempotencyKey === undefined
      ? message.headers
      : // No native idempotency: record the key on the e-mail so a duplicate can be traced.
        { ...message.headers, [IDEMPOTENCY_HEADER]: message.idempotencyKey };
  const tags = message.tags.length > 0 ? categories(message.tags) : undefined;
  const args = customArgs(message.metadata);
  const body: SendgridBody = {
    from: mailbox(message.from),
    subject: message.subject,
    personalizations: [
      {
        to: message.to.map(mailbox),
        ...(message.cc.length > 0 && { cc: message.cc.map(mailbox) }),
        ...(message.bcc.length > 0 && { bcc: message.bcc.map(mailbox) }),
        ...(Object.keys(headers).length > 0 && { headers: { ...headers } }),
      },
    ],
  };
  if (message.attachments.length > 0) {
    body.attachments = message.attachments.map((attachment) => ({
      content: Buffer.from(attachment.content).toString("base64"),
      filename: attachment.filename,
      // SendGrid takes a bare MIME type: it refuses a `;` ("The attachment type cannot contain ';'"),
      // so parameters such as the charset of a string attachment cannot travel.
      ...(attachment.contentType !== undefined && { type: mimeEssence(attachment.contentType) }),
      ...(attachment.contentId !== undefined && {
        disposition: "inline" as const,
        content_id: attachment.contentId,
      }),
    }));
  }
  if (tags !== undefined) body.categories = tags;
  const content: NonNullable<SendgridBody["content"]> = [];
  if (message.text !== undefined) content.push({ value: message.text, type: "text/plain" });
  if (message.html !== undefined) content.push({ value: message.html, type: "text/html" });
  if (content.length > 0) body.content = content;
  if (args !== undefined) body.custom_args = args;
  if (message.replyTo.length === 1) body.reply_to = mailbox(message.replyTo[0]!);
  if (message.replyTo.length > 1) body.reply_to_list = message.replyTo.map(mailbox);
  return body;
}
