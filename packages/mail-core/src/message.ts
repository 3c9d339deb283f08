import { type AddressInput, type MailAddress, parseAddress, parseAddressList } from "./address.js";
import { MailError } from "./errors.js";

/** One address or several. */
export type Recipients = AddressInput | readonly AddressInput[];

/** A file sent with the message; a `contentId` makes it inline (referenced from HTML as `cid:`). */
export interface MailAttachment {
  /** File name the recipient sees. */
  filename: string;
  /** The bytes, or a string sent as UTF-8 text. */
  content: Uint8Array | string;
  /** MIME type, e.g. `application/pdf`; vendors guess from the file name when it is left out. */
  contentType?: string | undefined;
  /** Content-ID (without angle brackets) that makes this an inline part. */
  contentId?: string | undefined;
}

/** The message an application sends. */
export interface MailMessage {
  /** Sender; defaults to the mailer's `MAIL_FROM_ADDRESS`. */
  from?: AddressInput | undefined;
  /** Recipients (at least one). */
  to: Recipients;
  /** Carbon-copy recipients. */
  cc?: Recipients | undefined;
  /** Blind carbon-copy recipients. */
  bcc?: Recipients | undefined;
  /** Where replies go. */
  replyTo?: Recipients | undefined;
  /** Subject line. */
  subject: string;
  /** Plain-text body (this or `html` is required). */
  text?: string | undefined;
  /** HTML body (this or `text` is required). */
  html?: string | undefined;
  /** Extra headers, e.g. `{ "X-Entity-Ref-ID": "abc" }`; not for From, To, Subject and the like. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** Files to attach or to show inline. */
  attachments?: readonly MailAttachment[] | undefined;
  /** Labels for the vendor's analytics. */
  tags?: readonly string[] | undefined;
  /** Key/value data the vendor keeps with the message and returns in webhooks. */
  metadata?: Readonly<Record<string, string>> | undefined;
  /** A key that makes retries of the same message safe where the vendor supports it. */
  idempotencyKey?: string | undefined;
}

/** An attachment after validation: bytes, always. */
export interface NormalizedAttachment {
  /** File name the recipient sees. */
  readonly filename: string;
  /** The bytes. */
  readonly content: Uint8Array;
  /** MIME type, when the caller gave one. */
  readonly contentType?: string;
  /** Content-ID, when the attachment is inline. */
  readonly contentId?: string;
}

/** The validated message every provider receives: lists are arrays (maybe empty), never undefined. */
export interface NormalizedMessage {
  /** Sender. */
  readonly from: MailAddress;
  /** Recipients (never empty). */
  readonly to: readonly MailAddress[];
  /** Carbon-copy recipients. */
  readonly cc: readonly MailAddress[];
  /** Blind carbon-copy recipients. */
  readonly bcc: readonly MailAddress[];
  /** Reply-to addresses. */
  readonly replyTo: readonly MailAddress[];
  /** Subject line. */
  readonly subject: string;
  /** Plain-text body, if any. */
  readonly text?: string;
  /** HTML body, if any. */
  readonly html?: string;
  /** Extra headers, by name as given. */
  readonly headers: Readonly<Record<string, string>>;
  /** Attachments and inline parts. */
  readonly attachments: readonly NormalizedAttachment[];
  /** Tags. */
  readonly tags: readonly string[];
  /** Metadata. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Idempotency key, if any. */
  readonly idempotencyKey?: string;
}

// Headers the message model sets itself; setting them through `headers` would bypass validation.
const RESERVED_HEADERS = new Set([
  "from",
  "to",
  "cc",
  "bcc",
  "reply-to",
  "subject",
  "sender",
  "date",
  "message-id",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
  "content-disposition",
  "return-path",
]);
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const FORBIDDEN = /[\r\n\0]/;
const encoder = new TextEncoder();

function invalid(field: string, reason: string): MailError {
  return new MailError("INVALID_MESSAGE", `${field} ${reason}`, { field });
}

function checkText(
  value: unknown,
  field: string,
  { required = false, line = true } = {},
): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw invalid(field, "is required");
    return undefined;
  }
  if (typeof value !== "string") throw invalid(field, "must be a string");
  if (line && FORBIDDEN.test(value)) throw invalid(field, "must not contain CR, LF or NUL");
  if (!line && value.includes("\0")) throw invalid(field, "must not contain NUL");
  if (required && value.trim() === "") throw invalid(field, "must not be empty");
  return value;
}

function normalizeHeaders(headers: MailMessage["headers"]): Record<string, string> {
  const result: Record<string, string> = {};
  if (headers === undefined) return result;
  if (typeof headers !== "object" || headers === null) throw invalid("headers", "must be an object");
  for (const [name, value] of Object.entries(headers)) {
    // An invalid name is quoted in the error so control characters in it cannot reach a log line raw.
    if (!HEADER_NAME.test(name))
      throw invalid(`headers[${JSON.stringify(name)}]`, "is not a valid header name");
    const field = `headers.${name}`;
    if (RESERVED_HEADERS.has(name.toLowerCase()))
      throw invalid(field, "is set by the message fields, not by headers");
    result[name] = checkText(value, field, { required: true }) ?? "";
  }
  return result;
}

function normalizeAttachment(attachment: MailAttachment, index: number): NormalizedAttachment {
  const field = `attachments[${index}]`;
  if (!attachment || typeof attachment !== "object") throw invalid(field, "must be an object");
  const filename = checkText(attachment.filename, `${field}.filename`, { required: true })!;
  const { content } = attachment;
  let bytes: Uint8Array;
  if (typeof content === "string") bytes = encoder.encode(content);
  else if (content instanceof Uint8Array) bytes = content;
  else throw invalid(`${field}.content`, "must be a Uint8Array or a string");
  const contentType = checkText(attachment.contentType, `${field}.contentType`);
  if (contentType !== undefined && !/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(contentType)) {
    throw invalid(`${field}.contentType`, "is not a MIME type");
  }
  const contentId = checkText(attachment.contentId, `${field}.contentId`);
  if (contentId !== undefined && !/^[\x21-\x3b\x3d\x3f-\x7e]+$/.test(contentId)) {
    throw invalid(`${field}.contentId`, "must be printable ASCII without spaces or angle brackets");
  }
  return {
    filename,
    content: bytes,
    ...(contentType === undefined ? {} : { contentType }),
    ...(contentId === undefined ? {} : { contentId }),
  };
}

function normalizeStringMap(map: unknown, field: string): Record<string, string> {
  if (map === undefined) return {};
  if (typeof map !== "object" || map === null || Array.isArray(map))
    throw invalid(field, "must be an object");
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(map)) {
    checkText(key, `${field} key`, { required: true });
    result[key] = checkText(value, `${field}.${key}`, { required: true })!;
  }
  return result;
}

/** Validates a message once, before any provider sees it; throws `INVALID_MESSAGE` naming the field. */
export function normalizeMessage(message: MailMessage, defaultFrom: MailAddress): NormalizedMessage {
  if (!message || typeof message !== "object") throw invalid("message", "must be an object");
  const from = message.from === undefined ? defaultFrom : parseAddress(message.from, "from");
  const to = parseAddressList(message.to, "to");
  if (to.length === 0) throw invalid("to", "must name at least one recipient");
  const subject = checkText(message.subject, "subject", { required: true })!;
  const text = checkText(message.text, "text", { line: false });
  const html = checkText(message.html, "html", { line: false });
  if (!text && !html) throw invalid("text", "or html is required");
  if (message.tags !== undefined && !Array.isArray(message.tags)) throw invalid("tags", "must be an array");
  const tags = (message.tags ?? []).map((tag, i) => checkText(tag, `tags[${i}]`, { required: true })!);
  const idempotencyKey = checkText(message.idempotencyKey, "idempotencyKey");
  if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,256}$/.test(idempotencyKey)) {
    throw invalid("idempotencyKey", "must be 1 to 256 printable ASCII characters");
  }
  if (message.attachments !== undefined && !Array.isArray(message.attachments)) {
    throw invalid("attachments", "must be an array");
  }
  return {
    from,
    to,
    cc: parseAddressList(message.cc, "cc"),
    bcc: parseAddressList(message.bcc, "bcc"),
    replyTo: parseAddressList(message.replyTo, "replyTo"),
    subject,
    ...(text ? { text } : {}),
    ...(html ? { html } : {}),
    headers: normalizeHeaders(message.headers),
    attachments: (message.attachments ?? []).map(normalizeAttachment),
    tags,
    metadata: normalizeStringMap(message.metadata, "metadata"),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  };
}

/** Total bytes of a message's attachments, for vendors' size limits. */
export function attachmentBytes(message: NormalizedMessage): number {
  return message.attachments.reduce((sum, attachment) => sum + attachment.content.byteLength, 0);
}

/**
 * The e-mail header that records `idempotencyKey` for vendors with no native idempotency, so a
 * duplicate delivery can be traced to its key.
 */
export const IDEMPOTENCY_HEADER = "X-Idempotency-Key";
