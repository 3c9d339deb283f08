import {
  isJsonObject as isObject,
  type MailBounce,
  type MailEvent,
  type MailEventType,
  parseJsonBody,
  WebhookError,
} from "@posse/mail-core/webhooks";

// SendGrid's event names (Event Webhook reference) → the normalized types. `processed` (accepted by
// SendGrid), `group_resubscribe` and account events have no normalized type.
const TYPES: Readonly<Record<string, MailEventType>> = {
  delivered: "delivered",
  deferred: "deferred",
  bounce: "bounced",
  dropped: "rejected",
  spamreport: "complained",
  open: "opened",
  click: "clicked",
  unsubscribe: "unsubscribed",
  group_unsubscribe: "unsubscribed",
};

// Fields SendGrid itself puts on an event (and any `sg_…`); every other top-level string is a custom_arg the
// message carried.
const SENDGRID_FIELDS = new Set([
  "email",
  "timestamp",
  "event",
  "smtp-id",
  "sg_event_id",
  "sg_message_id",
  "sg_content_type",
  "sg_machine_open",
  "sg_template_id",
  "sg_template_name",
  "category",
  "reason",
  "status",
  "response",
  "attempt",
  "type",
  "bounce_classification",
  "useragent",
  "ip",
  "url",
  "url_offset",
  "tls",
  "cert_err",
  "asm_group_id",
  "marketing_campaign_id",
  "marketing_campaign_name",
  "marketing_campaign_version",
  "marketing_campaign_split_id",
  "singlesend_id",
  "singlesend_name",
  "template_id",
  "template_version_id",
  "pool",
  "send_at",
  "unique_args",
]);

type Json = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/**
 * The id send() returned: SendGrid's `sg_message_id` is the `X-Message-Id` of the send request followed by a
 * per-recipient suffix (`<X-Message-Id>.filterdrecv-…`, `.recvd-…`, `.filter0001.…`), so everything before
 * that suffix; before the first dot when the suffix has another form.
 */
export function sendMessageId(sgMessageId: unknown): string | undefined {
  const id = text(sgMessageId);
  if (id === undefined) return undefined;
  const suffix = /\.(?:filter|recvd)/.exec(id);
  return (suffix === null ? id.split(".", 1)[0] : id.slice(0, suffix.index)) || undefined;
}

/**
 * The classification and the vendor's words: `bounce` with `type: "bounce"` → hard, `type: "blocked"` (the
 * receiver refused this sender or content) → soft; `deferred` → soft with the receiver's `response`;
 * `dropped` (never sent) → undetermined, its `reason` such as "Bounced Address".
 */
function bounce(type: MailEventType, event: Json): MailBounce | undefined {
  if (type === "deferred") {
    const diagnostic = text(event.response);
    return { kind: "soft", ...(diagnostic !== undefined && { diagnostic }) };
  }
  if (type === "rejected") {
    const reason = text(event.reason);
    return { kind: "undetermined", ...(reason !== undefined && { reason }) };
  }
  if (type !== "bounced") return undefined;
  const bounceType = text(event.type);
  const kind =
    bounceType === "blocked"
      ? "soft"
      : bounceType === "bounce" || bounceType === undefined
        ? "hard"
        : "undetermined";
  const reason = [bounceType, text(event.bounce_classification), text(event.status)]
    .filter(Boolean)
    .join("/");
  const diagnostic = text(event.reason);
  return { kind, ...(reason !== "" && { reason }), ...(diagnostic !== undefined && { diagnostic }) };
}

function tags(category: unknown): string[] {
  const list = Array.isArray(category) ? category : [category];
  return list.filter((value): value is string => typeof value === "string");
}

/** Custom args come back merged into the event as top-level keys (strings, as the provider sent them). */
function metadata(event: Json): Record<string, string> {
  return Object.fromEntries(
    Object.entries(event).filter(
      (entry): entry is [string, string] =>
        !SENDGRID_FIELDS.has(entry[0]) && !entry[0].startsWith("sg_") && typeof entry[1] === "string",
    ),
  );
}

function toMailEvent(event: unknown, received: number): MailEvent {
  if (!isObject(event)) throw new WebhookError(400, "body holds an event that is not an object");
  const vendorType = typeof event.event === "string" ? event.event : "";
  const type = TYPES[vendorType] ?? "unknown";
  // Every documented event has epoch seconds; one without (a kind SendGrid adds later) must not fail the batch.
  const time =
    typeof event.timestamp === "number" && Number.isFinite(event.timestamp)
      ? event.timestamp * 1000
      : received;
  const eventId = text(event.sg_event_id);
  const url = text(event.url);
  const detail = bounce(type, event);
  return {
    type,
    provider: "sendgrid",
    messageId: sendMessageId(event.sg_message_id),
    recipient: text(event.email),
    timestamp: new Date(time),
    ...(eventId !== undefined && { eventId }),
    vendorType,
    ...(detail !== undefined && { bounce: detail }),
    ...(type === "clicked" && url !== undefined && { url }),
    tags: tags(event.category),
    metadata: metadata(event),
    raw: event,
  };
}

/**
 * One normalized event per element of SendGrid's batch (always a JSON array); unknown names map to "unknown",
 * and an element without a timestamp gets `received` (epoch ms), so no single event fails the batch.
 */
export function toMailEvents(body: Uint8Array, received: number): MailEvent[] {
  const payload = parseJsonBody(body);
  if (!Array.isArray(payload))
    throw new WebhookError(400, "body is not a SendGrid event batch (a JSON array)");
  return payload.map((event) => toMailEvent(event, received));
}
