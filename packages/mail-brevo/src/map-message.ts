import { createHash } from "node:crypto";
import type { Brevo } from "@getbrevo/brevo";
import type { MailAddress, NormalizedMessage } from "@posse/mail-core";
import { unsupportedField } from "@posse/mail-core/provider";

/** Header that Brevo returns, as `X-Mailin-custom`, in every transactional webhook event. */
const METADATA_HEADER = "X-Mailin-custom";
/** Key in the body's `headers` that Brevo reads as its idempotency key (repeat → `duplicate_parameter`). */
const IDEMPOTENCY_KEY = "idempotencyKey";
/** Namespace of the name-based (version 5) UUIDs made from callers' idempotency keys. */
const IDEMPOTENCY_NAMESPACE = "981c0a99-b512-4bea-a059-692dcae2ef03";
/** What the core labels string content with when the caller gives no type. */
const STRING_CONTENT_TYPE = "text/plain; charset=utf-8";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Brevo takes no content type: it labels an attachment by its file extension, from this allow-list
// (API reference of POST /v3/smtp/email). Each extension lists the MIME types that mean the same thing.
const EXTENSION_TYPES: Readonly<Record<string, readonly string[]>> = {
  xlsx: ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
  xls: ["application/vnd.ms-excel"],
  xlsm: ["application/vnd.ms-excel.sheet.macroenabled.12"],
  ods: ["application/vnd.oasis.opendocument.spreadsheet"],
  odt: ["application/vnd.oasis.opendocument.text"],
  docx: ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
  docm: ["application/vnd.ms-word.document.macroenabled.12"],
  doc: ["application/msword"],
  ppt: ["application/vnd.ms-powerpoint"],
  pptx: ["application/vnd.openxmlformats-officedocument.presentationml.presentation"],
  csv: ["text/csv", "application/csv"],
  pdf: ["application/pdf"],
  txt: ["text/plain"],
  rtf: ["application/rtf", "text/rtf"],
  css: ["text/css"],
  shtml: ["text/html"],
  html: ["text/html"],
  htm: ["text/html"],
  xml: ["application/xml", "text/xml"],
  ics: ["text/calendar"],
  gif: ["image/gif"],
  jpg: ["image/jpeg"],
  jpeg: ["image/jpeg"],
  png: ["image/png"],
  tif: ["image/tiff"],
  tiff: ["image/tiff"],
  bmp: ["image/bmp", "image/x-ms-bmp"],
  cgm: ["image/cgm"],
  eps: ["application/postscript"],
  zip: ["application/zip", "application/x-zip-compressed"],
  tar: ["application/x-tar"],
  ez: ["application/andrew-inset"],
  mobi: ["application/x-mobipocket-ebook"],
  msg: ["application/vnd.ms-outlook"],
  pub: ["application/vnd.ms-publisher", "application/x-mspublisher"],
  pkpass: ["application/vnd.apple.pkpass"],
  mp3: ["audio/mpeg"],
  m4a: ["audio/mp4", "audio/x-m4a"],
  wma: ["audio/x-ms-wma"],
  ogg: ["audio/ogg", "video/ogg", "application/ogg"],
  flac: ["audio/flac", "audio/x-flac"],
  wav: ["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"],
  aif: ["audio/aiff", "audio/x-aiff"],
  aifc: ["audio/aiff", "audio/x-aiff"],
  aiff: ["audio/aiff", "audio/x-aiff"],
  m4v: ["video/mp4", "video/x-m4v"],
  mp4: ["video/mp4", "audio/mp4"],
  mov: ["video/quicktime"],
  avi: ["video/x-msvideo", "video/avi"],
  mkv: ["video/x-matroska"],
  mpeg: ["video/mpeg"],
  mpg: ["video/mpeg"],
  wmv: ["video/x-ms-wmv"],
};

function attachment(item: NormalizedMessage["attachments"][number], i: number) {
  const field = `attachments[${i}]`;
  if (item.contentId !== undefined) {
    throw unsupportedField("brevo", `${field}.contentId`, "Brevo has no inline (Content-ID) attachments");
  }
  const extension = /\.([^.]+)$/.exec(item.filename)?.[1]?.toLowerCase() ?? "";
  const types = EXTENSION_TYPES[extension];
  if (!types) {
    throw unsupportedField(
      "brevo",
      `${field}.filename`,
      `Brevo does not accept the extension ".${extension}"`,
    );
  }
  // application/octet-stream says nothing about the type, and text/plain; charset=utf-8 is the core's
  // label for string content (UTF-8 text): Brevo's choice from the extension stands for both.
  const type = item.contentType?.split(";")[0]?.trim().toLowerCase();
  const generic = type === "application/octet-stream" || item.contentType === STRING_CONTENT_TYPE;
  if (type !== undefined && !generic && !types.includes(type)) {
    throw unsupportedField(
      "brevo",
      `${field}.contentType`,
      `Brevo sends a ".${extension}" file as ${types[0]}, not ${item.contentType}`,
    );
  }
  return { name: item.filename, content: Buffer.from(item.content).toString("base64") };
}

function contact(address: MailAddress) {
  return { email: address.address, ...(address.name !== undefined && { name: address.name }) };
}

/**
 * Brevo asks for a UUID as the idempotency key: a UUID passes unchanged; any other key becomes the
 * RFC 9562 version 5 UUID of its UTF-8 bytes in {@link IDEMPOTENCY_NAMESPACE}, the same on every call.
 */
function brevoIdempotencyKey(key: string): string {
  if (UUID.test(key)) return key;
  const namespace = Buffer.from(IDEMPOTENCY_NAMESPACE.replaceAll("-", ""), "hex");
  const hash = createHash("sha1").update(namespace).update(key, "utf8").digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function hasHeader(headers: Readonly<Record<string, string>>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name.toLowerCase());
}

/** The `headers` object: the caller's, plus metadata and the idempotency key in Brevo's own keys. */
function headers(message: NormalizedMessage): Record<string, string> {
  const result = { ...message.headers };
  if (Object.keys(message.metadata).length > 0) {
    if (hasHeader(result, METADATA_HEADER)) {
      throw unsupportedField("brevo", "metadata", `headers already set ${METADATA_HEADER}, which carries it`);
    }
    result[METADATA_HEADER] = JSON.stringify(message.metadata);
  }
  if (message.idempotencyKey !== undefined) {
    if (hasHeader(result, IDEMPOTENCY_KEY)) {
      throw unsupportedField("brevo", "idempotencyKey", `headers already set ${IDEMPOTENCY_KEY}`);
    }
    result[IDEMPOTENCY_KEY] = brevoIdempotencyKey(message.idempotencyKey);
  }
  return result;
}

/** The `sendTransacEmail` request for a message: only the fields the caller set. */
export function toBrevoEmail(message: NormalizedMessage): Brevo.SendTransacEmailRequest {
  if (message.replyTo.length > 1) {
    throw unsupportedField("brevo", "replyTo", "Brevo takes a single reply-to address");
  }
  const extra = headers(message);
  return {
    sender: contact(message.from),
    to: message.to.map(contact),
    subject: message.subject,
    ...(message.cc.length > 0 && { cc: message.cc.map(contact) }),
    ...(message.bcc.length > 0 && { bcc: message.bcc.map(contact) }),
    ...(message.replyTo[0] !== undefined && { replyTo: contact(message.replyTo[0]) }),
    ...(message.text !== undefined && { textContent: message.text }),
    ...(message.html !== undefined && { htmlContent: message.html }),
    ...(Object.keys(extra).length > 0 && { headers: extra }),
    ...(message.attachments.length > 0 && { attachment: message.attachments.map(attachment) }),
    ...(message.tags.length > 0 && { tags: [...message.tags] }),
  };
}
