import { domainToASCII } from "node:url";
import type { SendEmailCommandInput } from "@aws-sdk/client-sesv2";
import { formatAddress, type MailAddress, type NormalizedMessage } from "@posse/mail-core";
import {
  encodeWords,
  IDEMPOTENCY_HEADER,
  needsEncodedWords,
  unsupportedField,
} from "@posse/mail-core/provider";

const PROVIDER = "amazon_ses";
// SES message tag names and values: ASCII letters, digits, "_" and "-", at most 256 characters.
const TAG_TEXT = /^[A-Za-z0-9_-]{1,256}$/;
// SES header values: printable ASCII only.
const HEADER_VALUE = /^[\x20-\x7e]*$/;
/**
 * One mailbox as the 7-bit ASCII string SES wants: an IDN domain in Punycode, a non-ASCII name (or one that
 * looks like an encoded-word) as RFC 2047 encoded-words, any other name quoted by `formatAddress`.
 */
export function sesAddress(mailbox: MailAddress): string {
  const at = mailbox.address.lastIndexOf("@");
  const domain = mailbox.address.slice(at + 1);
  const address = /^[\x00-\x7f]*$/.test(domain)
    ? mailbox.address
    : `${mailbox.address.slice(0, at)}@${domainToASCII(domain)}`;
  const name = mailbox.name;
  if (name !== undefined && needsEncodedWords(name)) {
    return `${encodeWords(name)} <${address}>`;
  }
  return formatAddress(name === undefined ? { address } : { address, name });
}

function tag(field: string, name: string, value: string) {
  if (!TAG_TEXT.test(name) || !TAG_TEXT.test(value)) {
    throw unsupportedField(
      PROVIDER,
      field,
      "SES tags allow only ASCII letters, digits, _ and - (256 at most)",
    );
  }
  return { Name: name, Value: value };
}

function headers(message: NormalizedMessage) {
  const list = Object.entries(message.headers).map(([name, value]) => {
    if (!HEADER_VALUE.test(value)) {
      throw unsupportedField(PROVIDER, `headers.${name}`, "SES header values allow printable ASCII only");
    }
    return { Name: name, Value: value };
  });
  // SES has no idempotency key: the key travels as a header, so a duplicate delivery can be traced.
  if (message.idempotencyKey !== undefined) {
    list.push({ Name: IDEMPOTENCY_HEADER, Value: message.idempotencyKey });
  }
  return list;
}

function attachments(message: NormalizedMessage) {
  return message.attachments.map((attachment, i) => {
    const field = `attachments[${i}]`;
    if (attachment.contentType !== undefined && attachment.contentType.length > 78) {
      throw unsupportedField(PROVIDER, `${field}.contentType`, "SES allows 78 characters at most");
    }
    if (attachment.contentId !== undefined && attachment.contentId.length > 78) {
      throw unsupportedField(PROVIDER, `${field}.contentId`, "SES allows 78 characters at most");
    }
    if (attachment.filename.length > 255) {
      throw unsupportedField(PROVIDER, `${field}.filename`, "SES allows 255 characters at most");
    }
    return {
      RawContent: attachment.content,
      FileName: attachment.filename,
      ContentDisposition: attachment.contentId === undefined ? ("ATTACHMENT" as const) : ("INLINE" as const),
      ...(attachment.contentId !== undefined && { ContentId: attachment.contentId }),
      // SES's default is SEVEN_BIT, which would corrupt binary files.
      ContentTransferEncoding: "BASE64" as const,
      ...(attachment.contentType !== undefined && { ContentType: attachment.contentType }),
    };
  });
}

/** The `SendEmail` input (`Content.Simple`) for a message: only the fields the caller set. */
export function toSesEmail(message: NormalizedMessage, configurationSetName?: string): SendEmailCommandInput {
  const list = (addresses: NormalizedMessage["to"]) => addresses.map(sesAddress);
  const tags = [
    ...message.tags.map((name, i) => tag(`tags[${i}]`, name, "true")),
    ...Object.entries(message.metadata).map(([key, value]) => tag(`metadata.${key}`, key, value)),
  ];
  const headerList = headers(message);
  const attachmentList = attachments(message);
  // JS strings are Unicode and go out as UTF-8: SES's default charset would be 7-bit ASCII.
  const utf8 = (data: string) => ({ Data: data, Charset: "UTF-8" });
  return {
    FromEmailAddress: sesAddress(message.from),
    Destination: {
      ToAddresses: list(message.to),
      ...(message.cc.length > 0 && { CcAddresses: list(message.cc) }),
      ...(message.bcc.length > 0 && { BccAddresses: list(message.bcc) }),
    },
    ...(message.replyTo.length > 0 && { ReplyToAddresses: list(message.replyTo) }),
    Content: {
      Simple: {
        Subject: utf8(message.subject),
        Body: {
          ...(message.text !== undefined && { Text: utf8(message.text) }),
          ...(message.html !== undefined && { Html: utf8(message.html) }),
        },
        ...(headerList.length > 0 && { Headers: headerList }),
        ...(attachmentList.length > 0 && { Attachments: attachmentList }),
      },
    },
    ...(tags.length > 0 && { EmailTags: tags }),
    ...(configurationSetName !== undefined && { ConfigurationSetName: configurationSetName }),
  };
}
