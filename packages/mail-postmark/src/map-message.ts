import { formatAddress, type NormalizedMessage } from "@posse/mail-core";
import { IDEMPOTENCY_HEADER, unsupportedField } from "@posse/mail-core/provider";
import type { Message } from "postmark";

// Postmark's documented limits: one Tag of at most 1000 characters; at most 10 metadata fields, names of
// at most 20 characters and values of at most 80 (it answers 422 otherwise).
const TAG_MAX = 1000;
const METADATA_FIELDS_MAX = 10;
const METADATA_KEY_MAX = 20;
const METADATA_VALUE_MAX = 80;

function tag(tags: readonly string[]): string | undefined {
  if (tags.length > 1) throw unsupportedField("postmark", "tags", "Postmark takes one tag per message");
  const [only] = tags;
  if (only !== undefined && only.length > TAG_MAX) {
    throw unsupportedField("postmark", "tags[0]", `Postmark tags are at most ${TAG_MAX} characters`);
  }
  return only;
}

function metadata(map: Readonly<Record<string, string>>): Record<string, string> {
  const entries = Object.entries(map);
  if (entries.length > METADATA_FIELDS_MAX) {
    throw unsupportedField("postmark", "metadata", `Postmark takes at most ${METADATA_FIELDS_MAX} fields`);
  }
  const seen = new Set<string>();
  for (const [key, value] of entries) {
    if (key.length > METADATA_KEY_MAX || value.length > METADATA_VALUE_MAX) {
      throw unsupportedField(
        "postmark",
        `metadata.${key}`,
        `Postmark metadata names are at most ${METADATA_KEY_MAX} characters and values at most ${METADATA_VALUE_MAX}`,
      );
    }
    if (seen.has(key.toLowerCase())) {
      throw unsupportedField("postmark", `metadata.${key}`, "Postmark metadata names ignore case");
    }
    seen.add(key.toLowerCase());
  }
  return Object.fromEntries(entries);
}

/** The `POST /email` body for a message: only the fields the caller set, PascalCase as Postmark names them. */
export function toPostmarkEmail(message: NormalizedMessage, messageStream?: string): Message {
  // Postmark takes each address list as one comma-separated string of RFC 5322 mailboxes.
  const list = (addresses: NormalizedMessage["to"]) => addresses.map(formatAddress).join(", ");
  const headers = Object.entries({
    ...message.headers,
    // No native idempotency: record the key on the e-mail so a duplicate can be traced.
    ...(message.idempotencyKey !== undefined && { [IDEMPOTENCY_HEADER]: message.idempotencyKey }),
  }).map(([Name, Value]) => ({ Name, Value }));
  const Tag = tag(message.tags);
  const Metadata = metadata(message.metadata);
  return {
    From: formatAddress(message.from),
    To: list(message.to),
    ...(message.cc.length > 0 && { Cc: list(message.cc) }),
    ...(message.bcc.length > 0 && { Bcc: list(message.bcc) }),
    ...(message.replyTo.length > 0 && { ReplyTo: list(message.replyTo) }),
    Subject: message.subject,
    ...(message.text !== undefined && { TextBody: message.text }),
    ...(message.html !== undefined && { HtmlBody: message.html }),
    ...(headers.length > 0 && { Headers: headers }),
    ...(message.attachments.length > 0 && {
      Attachments: message.attachments.map((attachment) => ({
        Name: attachment.filename,
        Content: Buffer.from(attachment.content).toString("base64"),
        // Postmark requires a content type; its documented fallback for an unknown type is octet-stream.
        ContentType: attachment.contentType ?? "application/octet-stream",
        ...(attachment.contentId !== undefined && { ContentID: `cid:${attachment.contentId}` }),
      })),
    }),
    ...(Tag !== undefined && { Tag }),
    ...(Object.keys(Metadata).length > 0 && { Metadata }),
    ...(messageStream !== undefined && { MessageStream: messageStream }),
  } as Message;
}
