import {
  type MailBounce,
  type MailEvent,
  type MailEventType,
  optionalString,
  toStringRecord,
} from "@posse/mail-core/webhooks";

type Classified = { readonly type: MailEventType; readonly kind?: MailBounce["kind"] };

// Payload `event` names of transactional webhooks (snake_case, unlike the camelCase names of the webhook's
// configuration). `request` (Brevo took the request; it may still be blocked) has no type in the model.
const EVENTS: Readonly<Record<string, Classified>> = {
  delivered: { type: "delivered" },
  deferred: { type: "deferred", kind: "soft" },
  soft_bounce: { type: "bounced", kind: "soft" },
  hard_bounce: { type: "bounced", kind: "hard" },
  invalid_email: { type: "rejected", kind: "undetermined" },
  blocked: { type: "rejected", kind: "undetermined" },
  error: { type: "rejected", kind: "undetermined" },
  spam: { type: "complained" },
  complaint: { type: "complained" },
  opened: { type: "opened" },
  unique_opened: { type: "opened" },
  proxy_open: { type: "opened" },
  unique_proxy_open: { type: "opened" },
  click: { type: "clicked" },
  unsubscribed: { type: "unsubscribed" },
  unsubscribe: { type: "unsubscribed" },
};

/** The `messageId` send() returned: Brevo's `message-id`, in angle brackets (some events give it without). */
function messageIdOf(record: Record<string, unknown>): string | undefined {
  const id = optionalString(record["message-id"])?.trim();
  if (id === undefined) return undefined;
  return id.startsWith("<") ? id : `<${id}>`;
}

// `ts_epoch` is milliseconds (UTC); `ts_event` and `ts` are seconds; `date` follows the account's time zone.
function timeOf(record: Record<string, unknown>, received: number): Date {
  if (typeof record.ts_epoch === "number") return new Date(record.ts_epoch);
  for (const field of ["ts_event", "ts"] as const) {
    if (typeof record[field] === "number") return new Date((record[field] as number) * 1000);
  }
  return new Date(received);
}

function tagsOf(record: Record<string, unknown>): string[] {
  if (Array.isArray(record.tags)) return record.tags.filter((tag): tag is string => typeof tag === "string");
  const tag = optionalString(record.tag);
  return tag === undefined ? [] : [tag];
}

/** send() puts metadata as JSON in the `X-Mailin-custom` header, which Brevo echoes as is. */
function metadataOf(record: Record<string, unknown>): Record<string, string> {
  const custom = record["X-Mailin-custom"];
  if (typeof custom !== "string") return toStringRecord(custom);
  try {
    return toStringRecord(JSON.parse(custom));
  } catch {
    return {};
  }
}

/** The normalized event of one Brevo webhook record. */
export function mapBrevoEvent(record: Record<string, unknown>, received: number): MailEvent {
  const vendorType = typeof record.event === "string" ? record.event : "";
  const { type, kind } = EVENTS[vendorType] ?? { type: "unknown" };
  const reason = optionalString(record.reason);
  const url = optionalString(record.link);
  return {
    type,
    provider: "brevo",
    messageId: messageIdOf(record),
    recipient: optionalString(record.email),
    timestamp: timeOf(record, received),
    vendorType,
    ...(kind !== undefined && {
      bounce: { kind, reason: vendorType, ...(reason !== undefined && { diagnostic: reason }) },
    }),
    ...(type === "clicked" && url !== undefined && { url }),
    tags: tagsOf(record),
    metadata: metadataOf(record),
    raw: record,
  };
}
