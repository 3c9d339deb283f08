import {
  type MailBounce,
  type MailEvent,
  type MailEventType,
  optionalString,
  toStringRecord,
} from "@posse/mail-core/webhooks";

type Classified = { readonly type: MailEventType; readonly kind?: MailBounce["kind"] };

function classify(record: Record<string, unknown>): Classified {
  switch (record.event) {
    // "sent": the receiving server accepted the message (Mailjet has no separate delivered event).
    case "sent":
      return { type: "delivered" };
    case "bounce":
      if (record.hard_bounce === true) return { type: "bounced", kind: "hard" };
      // Greylisting: Mailjet tries again later.
      if (record.error === "greylisted") return { type: "deferred", kind: "soft" };
      return { type: "bounced", kind: record.hard_bounce === false ? "soft" : "undetermined" };
    case "blocked":
      return { type: "rejected", kind: "undetermined" };
    case "spam":
      return { type: "complained" };
    case "unsub":
      return { type: "unsubscribed" };
    case "open":
      return { type: "opened" };
    case "click":
      return { type: "clicked" };
    default:
      return { type: "unknown" };
  }
}

/**
 * The decimal id send() returned: `mj_message_id` when the event has it (a string, so no JSON parser on the way
 * can round it), else MessageID (a bare number, kept exact by this module's parser when the body is raw).
 */
function messageIdOf(record: Record<string, unknown>): string | undefined {
  const quoted = optionalString(record.mj_message_id);
  if (quoted !== undefined && /^\d+$/.test(quoted)) return quoted;
  const id = record.MessageID;
  if (typeof id === "string" && /^\d+$/.test(id)) return id;
  if (typeof id === "number" && Number.isSafeInteger(id) && id > 0) return String(id);
  return undefined;
}

/** send() puts metadata as JSON in EventPayload, which Mailjet echoes as `Payload`. */
function metadataOf(record: Record<string, unknown>): Record<string, string> {
  if (typeof record.Payload !== "string" || record.Payload === "") return {};
  try {
    return toStringRecord(JSON.parse(record.Payload));
  } catch {
    return {};
  }
}

function bounceOf(kind: MailBounce["kind"], record: Record<string, unknown>): MailBounce {
  const related = optionalString(record.error_related_to);
  const error = optionalString(record.error);
  const reason = related !== undefined && error !== undefined ? `${related}: ${error}` : (error ?? related);
  const diagnostic = optionalString(record.comment) ?? optionalString(record.smtp_reply);
  return { kind, ...(reason !== undefined && { reason }), ...(diagnostic !== undefined && { diagnostic }) };
}

/** The normalized event of one Mailjet event record. */
export function mapMailjetEvent(record: Record<string, unknown>, received: number): MailEvent {
  const { type, kind } = classify(record);
  const tag = optionalString(record.customcampaign);
  const url = optionalString(record.url);
  const time = typeof record.time === "number" ? record.time * 1000 : Number.NaN;
  return {
    type,
    provider: "mailjet",
    messageId: messageIdOf(record),
    recipient: optionalString(record.email),
    timestamp: new Date(Number.isFinite(time) ? time : received),
    vendorType: typeof record.event === "string" ? record.event : "",
    ...(kind !== undefined && { bounce: bounceOf(kind, record) }),
    ...(type === "clicked" && url !== undefined && { url }),
    tags: tag === undefined ? [] : [tag],
    metadata: metadataOf(record),
    raw: record,
  };
}
