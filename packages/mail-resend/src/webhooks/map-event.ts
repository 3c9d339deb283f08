import {
  isJsonObject as isObject,
  type MailBounce,
  type MailEvent,
  type MailEventType,
  parseJsonBody,
  WebhookError,
} from "@posse/mail-core/webhooks";

// Resend's event names (https://resend.com/docs/webhooks/event-types) → the normalized types. email.sent
// (accepted by Resend), email.scheduled, inbound mail and contact/domain events have no normalized type.
const TYPES: Readonly<Record<string, MailEventType>> = {
  "email.delivered": "delivered",
  "email.delivery_delayed": "deferred",
  "email.bounced": "bounced",
  "email.complained": "complained",
  "email.failed": "rejected",
  "email.suppressed": "rejected",
  "email.opened": "opened",
  "email.clicked": "clicked",
};

type Json = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/** Resend's `bounce.type` (SES's words): Permanent → hard, Transient → soft; missing → hard (Resend documents a bounce as permanent). */
function bounce(data: Json): MailBounce {
  const detail = isObject(data.bounce) ? data.bounce : {};
  const type = text(detail.type);
  const kind =
    type === undefined || type === "Permanent" ? "hard" : type === "Transient" ? "soft" : "undetermined";
  const reason = [type, text(detail.subType)].filter(Boolean).join("/");
  const diagnostic = text(detail.message);
  return { kind, ...(reason !== "" && { reason }), ...(diagnostic !== undefined && { diagnostic }) };
}

/** Why Resend did not send (email.failed's `failed.reason`, email.suppressed's `suppressed.type` and `message`). */
function refusal(data: Json): MailBounce {
  const detail = isObject(data.failed) ? data.failed : isObject(data.suppressed) ? data.suppressed : {};
  const reason = text(detail.reason) ?? text(detail.type);
  const diagnostic = text(detail.message);
  return {
    kind: "undetermined",
    ...(reason !== undefined && { reason }),
    ...(diagnostic !== undefined && { diagnostic }),
  };
}

/** A "bounce" of an address on a suppression list (SES's words, which Resend passes on): never sent. */
function suppressed(data: Json): boolean {
  const subType = isObject(data.bounce) ? data.bounce.subType : undefined;
  return subType === "Suppressed" || subType === "OnAccountSuppressionList";
}

/**
 * Tags and metadata as sent: the provider sends each tag `t` as `{ name: t, value: "true" }` and each
 * metadata entry as `{ name: key, value }`; Resend echoes them as `{ name: value }` (older payloads: a list of
 * `{ name, value }`). A metadata entry whose value is "true" therefore comes back as a tag.
 */
function tagsAndMetadata(data: Json): Pick<MailEvent, "tags" | "metadata"> {
  const entries: [string, string][] = Array.isArray(data.tags)
    ? data.tags.filter(isObject).map((tag) => [String(tag.name), String(tag.value)])
    : isObject(data.tags)
      ? Object.entries(data.tags).map(([name, value]) => [name, String(value)])
      : [];
  return {
    tags: entries.filter(([, value]) => value === "true").map(([name]) => name),
    metadata: Object.fromEntries(entries.filter(([, value]) => value !== "true")),
  };
}

/** The one recipient an event is about: Resend names the message's `to` list, so only a single address is certain. */
function recipient(data: Json): string | undefined {
  const to = Array.isArray(data.to) ? data.to : [data.to];
  return to.length === 1 ? text(to[0]) : undefined;
}

/** The normalized event of one Resend webhook body (Resend posts one event per request). */
export function toMailEvents(body: Uint8Array, eventId: string | undefined): MailEvent[] {
  const payload = parseJsonBody(body);
  if (!isObject(payload) || typeof payload.type !== "string" || !isObject(payload.data)) {
    throw new WebhookError(400, "body is not a Resend event (type and data)");
  }
  const { data } = payload;
  const type = suppressed(data) ? "rejected" : (TYPES[payload.type] ?? "unknown");
  const created = new Date(String(payload.created_at ?? data.created_at));
  if (Number.isNaN(created.getTime())) throw new WebhookError(400, "body has no valid created_at");
  const click = isObject(data.click) ? text(data.click.link) : undefined;
  return [
    {
      type,
      provider: "resend",
      messageId: text(data.email_id),
      recipient: recipient(data),
      timestamp: created,
      ...(eventId !== undefined && { eventId }),
      vendorType: payload.type,
      ...(isObject(data.bounce)
        ? { bounce: bounce(data) }
        : type === "rejected" && { bounce: refusal(data) }),
      ...(type === "clicked" && click !== undefined && { url: click }),
      ...tagsAndMetadata(data),
      raw: payload,
    },
  ];
}
