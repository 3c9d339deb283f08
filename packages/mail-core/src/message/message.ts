import { MailError } from "../errors/mail-error.js";
import { type AddressInput, type MailAddress, parseAddress, parseAddressList } from "./address.js";
import { isBytes, isList, mapList, readEntries, readField } from "./read-once.js";

/** One address or several. */
export type Recipients = AddressInput | readonly AddressInput[];

/** A file sent with the message; a `contentId` makes it inline (referenced from HTML as `cid:`). */
export interface MailAttachment {
  /** File name the recipient sees. */
  filename: string;
  /** The bytes, or a string sent as UTF-8 text. */
  content: Uint8Array | string;
  /**
   * MIME type, e.g. `application/pdf`; for bytes left out, vendors guess from the file name. String
   * content is labelled `text/plain; charset=utf-8` by default, and a `text/*` type gets `; charset=utf-8`.
   */
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
  /** MIME type: the caller's, or for string content one that names charset=utf-8. */
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
  /** Extra headers by name as given (no two differ only in case); X-Idempotency-Key only without `idempotencyKey`. */
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

// Named as a plain key, `__proto__` would be dropped by every object a provider builds; it is refused.
const PROTO = "__proto__";
const IDEMPOTENCY_HEADER_LOWER = "x-idempotency-key";

function normalizeHeaders(headers: unknown, idempotencyKey: string | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (headers === undefined) return result;
  if (typeof headers !== "object" || headers === null) throw invalid("headers", "must be an object");
  const seen = new Map<string, string>();
  for (const [name, value] of readEntries(headers, "headers")) {
    // An invalid name is quoted in the error so control characters in it cannot reach a log line raw.
    if (!HEADER_NAME.test(name))
      throw invalid(`headers[${JSON.stringify(name)}]`, "is not a valid header name");
    const field = `headers.${name}`;
    if (name === PROTO) throw invalid(field, "is not accepted as a header name");
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower)) throw invalid(field, "is set by the message fields, not by headers");
    const earlier = seen.get(lower);
    if (earlier !== undefined) {
      throw invalid(field, `repeats headers.${earlier}: header names ignore case`);
    }
    seen.set(lower, name);
    const text = checkText(value, field, { required: true })!;
    // Providers carry idempotencyKey themselves (as this header or natively): one value, sent once.
    if (lower === IDEMPOTENCY_HEADER_LOWER && idempotencyKey !== undefined) {
      if (text !== idempotencyKey) throw invalid(field, "differs from idempotencyKey");
      continue;
    }
    result[name] = text;
  }
  return result;
}

const TEXT_TYPE = /^text\//i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;
const UTF8 = /^utf-?8$/i;

/**
 * The content type of a string attachment, which is always sent as UTF-8: `text/plain; charset=utf-8`
 * when none is given, a text type with `; charset=utf-8` added when it names none.
 */
function textContentType(contentType: string | undefined, field: string): string {
  if (contentType === undefined) return "text/plain; charset=utf-8";
  if (!TEXT_TYPE.test(contentType)) return contentType;
  const charset = CHARSET.exec(contentType);
  if (charset === null) return `${contentType}; charset=utf-8`;
  if (!UTF8.test(charset[1]!)) {
    throw invalid(field, "names a charset other than UTF-8 for string content (sent as UTF-8); pass bytes");
  }
  return contentType;
}

function normalizeAttachment(attachment: unknown, index: number): NormalizedAttachment {
  const field = `attachments[${index}]`;
  if (!attachment || typeof attachment !== "object") throw invalid(field, "must be an object");
  const filename = checkText(readField(attachment, "filename", `${field}.filename`), `${field}.filename`, {
    required: true,
  })!;
  const content = readField(attachment, "content", `${field}.content`);
  const givenType = checkText(
    readField(attachment, "contentType", `${field}.contentType`),
    `${field}.contentType`,
  );
  const rawContentId = readField(attachment, "contentId", `${field}.contentId`);
  if (givenType !== undefined && !/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(givenType)) {
    throw invalid(`${field}.contentType`, "is not a MIME type");
  }
  let bytes: Uint8Array;
  let contentType = givenType;
  if (typeof content === "string") {
    bytes = encoder.encode(content);
    contentType = textContentType(givenType, `${field}.contentType`);
  } else if (isBytes(content)) bytes = content;
  else throw invalid(`${field}.content`, "must be a Uint8Array or a string");
  const contentId = checkText(rawContentId, `${field}.contentId`);
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
  if (typeof map !== "object" || map === null || isList(map, field))
    throw invalid(field, "must be an object");
  const result: Record<string, string> = {};
  for (const [key, value] of readEntries(map, field)) {
    checkText(key, `${field} key`, { required: true });
    if (key === PROTO) throw invalid(`${field}.${key}`, "is not accepted as a key");
    result[key] = checkText(value, `${field}.${key}`, { required: true })!;
  }
  return result;
}

/**
 * Validates a message once, before any provider sees it; throws `INVALID_MESSAGE` naming the field.
 * Each value of `message` is read exactly once, so the result is plain data that later reads of the
 * caller's object (getters, Proxies) cannot change.
 */
export function normalizeMessage(message: MailMessage, defaultFrom: MailAddress): NormalizedMessage {
  if (!message || typeof message !== "object") throw invalid("message", "must be an object");
  const read = (key: keyof MailMessage) => readField(message, key, key);
  const givenFrom = read("from");
  const from = givenFrom === undefined ? defaultFrom : parseAddress(givenFrom as AddressInput, "from");
  const to = parseAddressList(read("to") as Recipients, "to");
  if (to.length === 0) throw invalid("to", "must name at least one recipient");
  const cc = parseAddressList(read("cc") as Recipients | undefined, "cc");
  const bcc = parseAddressList(read("bcc") as Recipients | undefined, "bcc");
  const replyTo = parseAddressList(read("replyTo") as Recipients | undefined, "replyTo");
  const subject = checkText(read("subject"), "subject", { required: true })!;
  const text = checkText(read("text"), "text", { line: false });
  const html = checkText(read("html"), "html", { line: false });
  if (!text && !html) throw invalid("text", "or html is required");
  const givenTags = read("tags");
  if (givenTags !== undefined && !isList(givenTags, "tags")) throw invalid("tags", "must be an array");
  const tags =
    givenTags === undefined
      ? []
      : mapList(givenTags, "tags", (tag, i) => checkText(tag, `tags[${i}]`, { required: true })!);
  const idempotencyKey = checkText(read("idempotencyKey"), "idempotencyKey");
  if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,256}$/.test(idempotencyKey)) {
    throw invalid("idempotencyKey", "must be 1 to 256 printable ASCII characters");
  }
  const headers = normalizeHeaders(read("headers"), idempotencyKey);
  const givenAttachments = read("attachments");
  if (givenAttachments !== undefined && !isList(givenAttachments, "attachments")) {
    throw invalid("attachments", "must be an array");
  }
  const attachments =
    givenAttachments === undefined ? [] : mapList(givenAttachments, "attachments", normalizeAttachment);
  return {
    from,
    to,
    cc,
    bcc,
    replyTo,
    subject,
    ...(text ? { text } : {}),
    ...(html ? { html } : {}),
    headers,
    attachments,
    tags,
    metadata: normalizeStringMap(read("metadata"), "metadata"),
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
