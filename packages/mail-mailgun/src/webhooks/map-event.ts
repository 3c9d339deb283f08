import {
  isJsonObject,
  type MailBounce,
  type MailEvent,
  type MailEventType,
  optionalString,
  toStringRecord,
} from "@posse/mail-core/webhooks";

// delivery-status codes Mailgun gives a message it did not try to send: an address on a suppression list
// (605 bounce, 606 unsubscribe, 607 complaint) or refused for poor list quality (625).
const DROPPED_CODES = new Set([605, 606, 607, 625]);
const SUPPRESSED_REASON = /^suppress-/;

const NAMED: Readonly<Record<string, MailEventType>> = {
  delivered: "delivered",
  rejected: "rejected",
  opened: "opened",
  clicked: "clicked",
  unsubscribed: "unsubscribed",
  complained: "complained",
};

function classify(data: Record<string, unknown>, status: Record<string, unknown>) {
  const event = String(data.event);
  if (event !== "failed") return { type: NAMED[event] ?? ("unknown" as MailEventType) };
  const reason = typeof data.reason === "string" ? data.reason : "";
  if (data.severity === "temporary") return { type: "deferred" as const, kind: "soft" as const };
  if (data.severity === "permanent") {
    if (SUPPRESSED_REASON.test(reason) || DROPPED_CODES.has(Number(status.code))) {
      return { type: "rejected" as const, kind: "undetermined" as const };
    }
    return { type: "bounced" as const, kind: "hard" as const };
  }
  return { type: "bounced" as const, kind: "undetermined" as const };
}

/** Mailgun's `message-id` header value with the angle brackets `send()` returned it with. */
export function messageIdOf(data: Record<string, unknown>): string | undefined {
  const message = isJsonObject(data.message) ? data.message : {};
  const headers = isJsonObject(message.headers) ? message.headers : {};
  const id = optionalString(headers["message-id"])?.trim();
  if (id === undefined) return undefined;
  return id.startsWith("<") ? id : `<${id}>`;
}

function bounceOf(
  kind: MailBounce["kind"],
  data: Record<string, unknown>,
  status: Record<string, unknown>,
): MailBounce {
  const reject = isJsonObject(data.reject) ? data.reject : {};
  const reason = optionalString(data.reason) ?? optionalString(reject.reason);
  const diagnostic =
    optionalString(status.message) ??
    optionalString(status.description) ??
    optionalString(reject.description);
  return {
    kind,
    ...(reason !== undefined && { reason }),
    ...(diagnostic !== undefined && { diagnostic }),
  };
}

/** The normalized event of a post's `event-data`. */
export function mapMailgunEvent(data: Record<string, unknown>, received: number): MailEvent {
  const status = isJsonObject(data["delivery-status"]) ? data["delivery-status"] : {};
  const classified = classify(data, status);
  const kind =
    "kind" in classified ? classified.kind : data.event === "rejected" ? "undetermined" : undefined;
  const seconds = typeof data.timestamp === "number" ? data.timestamp : Number.NaN;
  const url = optionalString(data.url);
  const eventId = optionalString(data.id);
  return {
    type: classified.type,
    provider: "mailgun",
    messageId: messageIdOf(data),
    recipient: optionalString(data.recipient),
    timestamp: new Date(Number.isFinite(seconds) ? Math.round(seconds * 1000) : received),
    vendorType: String(data.event),
    ...(eventId !== undefined && { eventId }),
    ...(kind !== undefined && { bounce: bounceOf(kind, data, status) }),
    ...(classified.type === "clicked" && url !== undefined && { url }),
    tags: Array.isArray(data.tags) ? data.tags.filter((tag): tag is string => typeof tag === "string") : [],
    metadata: toStringRecord(data["user-variables"]),
    raw: data,
  };
}
