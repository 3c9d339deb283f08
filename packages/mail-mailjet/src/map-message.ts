import type { MailAddress, NormalizedMessage } from "@posse/mail-core";
import { IDEMPOTENCY_HEADER, unsupportedField } from "@posse/mail-core/provider";
import type { SendEmailV3_1 } from "node-mailjet";

type Attachment = NormalizedMessage["attachments"][number];

function contact(address: MailAddress): SendEmailV3_1.EmailAddressTo {
  return { Email: address.address, ...(address.name !== undefined && { Name: address.name }) };
}

// Mailjet requires ContentType; without one from the caller, the file is sent as generic binary.
function file(attachment: Attachment): SendEmailV3_1.Attachment {
  return {
    ContentType: attachment.contentType ?? "application/octet-stream",
    Filename: attachment.filename,
    Base64Content: Buffer.from(attachment.content).toString("base64"),
  };
}

function headers(message: NormalizedMessage): Record<string, string> {
  return {
    ...message.headers,
    ...(message.idempotencyKey !== undefined && { [IDEMPOTENCY_HEADER]: message.idempotencyKey }),
  };
}

/** The one `Messages[]` entry of a v3.1 send for a message: only the fields the caller set. */
export function toMailjetMessage(message: NormalizedMessage): SendEmailV3_1.Message {
  if (message.replyTo.length > 1) {
    throw unsupportedField("mailjet", "replyTo", "Mailjet takes a single reply-to address");
  }
  if (message.tags.length > 1) {
    throw unsupportedField("mailjet", "tags", "Mailjet has one CustomCampaign per message, so one tag");
  }
  const attached = message.attachments.filter((attachment) => attachment.contentId === undefined);
  const inlined = message.attachments.flatMap(({ contentId, ...attachment }) =>
    contentId === undefined ? [] : [{ ...file(attachment), ContentID: contentId }],
  );
  const extra = headers(message);
  return {
    From: contact(message.from),
    To: message.to.map(contact),
    Subject: message.subject,
    ...(message.cc.length > 0 && { Cc: message.cc.map(contact) }),
    ...(message.bcc.length > 0 && { Bcc: message.bcc.map(contact) }),
    ...(message.replyTo[0] !== undefined && { ReplyTo: contact(message.replyTo[0]) }),
    ...(message.text !== undefined && { TextPart: message.text }),
    ...(message.html !== undefined && { HTMLPart: message.html }),
    ...(Object.keys(extra).length > 0 && { Headers: extra }),
    ...(attached.length > 0 && { Attachments: attached.map(file) }),
    ...(inlined.length > 0 && { InlinedAttachments: inlined }),
    ...(message.tags[0] !== undefined && { CustomCampaign: message.tags[0] }),
    ...(Object.keys(message.metadata).length > 0 && { EventPayload: JSON.stringify(message.metadata) }),
    ...(message.idempotencyKey !== undefined && { CustomID: message.idempotencyKey }),
  };
}
