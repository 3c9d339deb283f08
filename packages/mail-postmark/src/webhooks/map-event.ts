import {
  isJsonObject,
  type MailBounce,
  type MailEvent,
  type MailEventType,
  optionalString,
  toStringRecord,
} from "@posse/mail-core/webhooks";

type Classified = { readonly type: MailEventType; readonly kind?: MailBounce["kind"] };

// Bounce `Type` values (postmark.js BounceType; Postmark's bounce API reference).
const BOUNCE_TYPES: Readonly<Record<string, Classified>> = {
  HardBounce: { type: "bounced", kind: "hard" },
  BadEmailAddress: { type: "bounced", kind: "hard" },
  SoftBounce: { type: "bounced", kind: "soft" },
  Transient: { type: "bounced", kind: "soft" },
  DnsError: { type: "bounced", kind: "soft" },
  Unknown: { type: "bounced", kind: "undetermined" },
  VirusNotification: { type: "bounced", kind: "undetermined" },
  // Postmark did not send to the address, or could not take the message at all.
  Blocked: { type: "rejected", kind: "undetermined" },
  DMARCPolicy: { type: "rejected", kind: "undetermined" },
  ManuallyDeactivated: { type: "rejected", kind: "undetermined" },
  SMTPApiError: { type: "rejected", kind: "undetermined" },
  TemplateRenderingFailed: { type: "rejected", kind: "undetermined" },
  SpamNotification: { type: "complained" },
  SpamComplaint: { type: "complained" },
  Unsubscribe: { type: "unsubscribed" },
  // AutoResponder, AddressChange, ChallengeVerification, OpenRelayTest, Subscribe, Unconfirmed, InboundError:
  // replies and notices, not a verdict on delivery → unknown.
};

function classify(record: Record<string, unknown>): Classified {
  switch (record.RecordType) {
    case "Delivery":
      return { type: "delivered" };
    case "Bounce":
      return BOUNCE_TYPES[String(record.Type)] ?? { type: "unknown" };
    case "SpamComplaint":
      return { type: "complained" };
    case "Open":
      return { type: "opened" };
    case "Click":
      return { type: "clicked" };
    case "SubscriptionChange":
      // Only a suppression the recipient asked for; HardBounce/SpamComplaint reasons repeat an earlier event,
      // and SuppressSending: false is a reactivation, which the model has no type for.
      return record.SuppressSending === true && record.SuppressionReason === "ManualSuppression"
        ? { type: "unsubscribed" }
        : { type: "unknown" };
    default:
      return { type: "unknown" };
  }
}

// Each record type names its time and its recipient in its own field.
const TIME_FIELDS = ["DeliveredAt", "BouncedAt", "ReceivedAt", "ChangedAt"] as const;

function timeOf(record: Record<string, unknown>, received: number): Date {
  for (const field of TIME_FIELDS) {
    const time = typeof record[field] === "string" ? Date.parse(record[field] as string) : Number.NaN;
    if (Number.isFinite(time)) return new Date(time);
  }
  return new Date(received);
}

/** The normalized event of one Postmark webhook record (already checked to be an object with a RecordType). */
export function mapPostmarkEvent(record: Record<string, unknown>, received: number): MailEvent {
  const { type, kind } = classify(record);
  const tag = optionalString(record.Tag);
  const details = optionalString(record.Details);
  const url = optionalString(record.OriginalLink);
  const eventId =
    typeof record.ID === "number" || typeof record.ID === "string" ? String(record.ID) : undefined;
  return {
    type,
    provider: "postmark",
    messageId: optionalString(record.MessageID),
    recipient: optionalString(record.Recipient) ?? optionalString(record.Email),
    timestamp: timeOf(record, received),
    vendorType:
      record.RecordType === "Bounce" && typeof record.Type === "string"
        ? `Bounce/${record.Type}`
        : String(record.RecordType),
    ...(eventId !== undefined && { eventId }),
    ...(kind !== undefined && {
      bounce: {
        kind,
        ...(typeof record.Type === "string" && { reason: record.Type }),
        ...(details !== undefined && { diagnostic: details }),
      },
    }),
    ...(type === "clicked" && url !== undefined && { url }),
    tags: tag === undefined ? [] : [tag],
    metadata: isJsonObject(record.Metadata) ? toStringRecord(record.Metadata) : {},
    raw: record,
  };
}
