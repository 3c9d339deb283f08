import {
  isJsonObject as isObject,
  type MailBounce,
  type MailEvent,
  type MailEventType,
} from "@posse/mail-core/webhooks";

type Json = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;
const objectAt = (record: Json, key: string): Json => (isObject(record[key]) ? record[key] : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** One recipient of an SES record, with what SES says about that recipient alone. */
interface Recipient {
  readonly address: string | undefined;
  readonly diagnostic?: string | undefined;
}

/** What a record says happened, to whom, and when. */
interface Outcome {
  readonly type: MailEventType;
  readonly recipients: readonly Recipient[];
  readonly timestamp: unknown;
  /** Classification and reason for bounced, deferred and rejected; a recipient's own diagnostic wins. */
  readonly bounce?: MailBounce;
  readonly url?: string | undefined;
}

// Tag names SES adds itself (ses:configuration-set, ses:source-ip, …): not sent by the application.
const SES_TAG = /^(ses|aws):/;

/** The message's recipients, for events that concern all of them (Reject, Rendering Failure). */
function everyone(mail: Json): Recipient[] {
  return list(mail.destination).map((address) => ({ address: text(address) }));
}

/** Open, Click, Subscription name no recipient: the message's only one when it had one, else unknown. */
function soleRecipient(mail: Json): Recipient[] {
  const all = everyone(mail);
  return all.length === 1 ? all : [{ address: undefined }];
}

const addressed = (entries: unknown): Recipient[] =>
  list(entries).map((entry) => {
    const item = isObject(entry) ? entry : {};
    return { address: text(item.emailAddress), diagnostic: text(item.diagnosticCode) };
  });

function bounceOutcome(bounce: Json): Outcome {
  const type = text(bounce.bounceType);
  const subType = text(bounce.bounceSubType);
  const kind = type === "Permanent" ? "hard" : type === "Transient" ? "soft" : "undetermined";
  const reason = [type, subType].filter(Boolean).join("/");
  // A suppression-list "bounce" was never sent: SES refused the address itself.
  const suppressed = subType === "Suppressed" || subType === "OnAccountSuppressionList";
  return {
    type: suppressed ? "rejected" : "bounced",
    recipients: addressed(bounce.bouncedRecipients),
    timestamp: bounce.timestamp,
    bounce: { kind, ...(reason !== "" && { reason }) },
  };
}

function unsubscribed(subscription: Json): boolean {
  const preferences = objectAt(subscription, "newTopicPreferences");
  return (
    preferences.unsubscribeAll === true ||
    list(preferences.topicSubscriptionStatus).some(
      (topic) => isObject(topic) && topic.subscriptionStatus === "OptOut",
    )
  );
}

/** What an SES record (event publishing's `eventType`, or a notification's `notificationType`) says happened. */
function outcome(kind: string, record: Json, mail: Json): Outcome {
  switch (kind) {
    case "Bounce":
      return bounceOutcome(objectAt(record, "bounce"));
    case "Complaint": {
      const complaint = objectAt(record, "complaint");
      const suppressed = complaint.complaintSubType === "OnAccountSuppressionList";
      return {
        type: suppressed ? "rejected" : "complained",
        recipients: addressed(complaint.complainedRecipients),
        timestamp: complaint.timestamp,
        ...(suppressed && { bounce: { kind: "undetermined", reason: "OnAccountSuppressionList" } }),
      };
    }
    case "Delivery": {
      const delivery = objectAt(record, "delivery");
      return {
        type: "delivered",
        recipients: list(delivery.recipients).map((address) => ({ address: text(address) })),
        timestamp: delivery.timestamp,
      };
    }
    case "DeliveryDelay": {
      const delay = objectAt(record, "deliveryDelay");
      const reason = text(delay.delayType);
      return {
        type: "deferred",
        recipients: addressed(delay.delayedRecipients),
        timestamp: delay.timestamp,
        bounce: { kind: "soft", ...(reason !== undefined && { reason }) },
      };
    }
    case "Reject": {
      const reason = text(objectAt(record, "reject").reason);
      return {
        type: "rejected",
        recipients: everyone(mail),
        timestamp: mail.timestamp,
        bounce: { kind: "undetermined", ...(reason !== undefined && { reason }) },
      };
    }
    case "Rendering Failure": {
      const diagnostic = text(objectAt(record, "failure").errorMessage);
      return {
        type: "rejected",
        recipients: everyone(mail),
        timestamp: mail.timestamp,
        bounce: { kind: "undetermined", reason: kind, ...(diagnostic !== undefined && { diagnostic }) },
      };
    }
    case "Open":
      return {
        type: "opened",
        recipients: soleRecipient(mail),
        timestamp: objectAt(record, "open").timestamp,
      };
    case "Click": {
      const click = objectAt(record, "click");
      return {
        type: "clicked",
        recipients: soleRecipient(mail),
        timestamp: click.timestamp,
        url: text(click.link),
      };
    }
    case "Subscription": {
      const subscription = objectAt(record, "subscription");
      return {
        type: unsubscribed(subscription) ? "unsubscribed" : "unknown",
        recipients: soleRecipient(mail),
        timestamp: subscription.timestamp,
      };
    }
    default:
      return { type: "unknown", recipients: soleRecipient(mail), timestamp: mail.timestamp };
  }
}

/**
 * Tags and metadata as sent: the provider sends each tag `t` as the SES tag `t=true` and each metadata
 * entry as `key=value`; SES reports them in `mail.tags` (`{ name: [value] }`, with event publishing only),
 * beside tags of its own (`ses:…`), which are left out. A metadata entry whose value is "true" comes back as a tag.
 */
function tagsAndMetadata(mail: Json): Pick<MailEvent, "tags" | "metadata"> {
  const entries = Object.entries(objectAt(mail, "tags"))
    .filter(([name]) => !SES_TAG.test(name))
    .map(([name, values]) => [name, String(list(values)[0] ?? "")] as const);
  return {
    tags: entries.filter(([, value]) => value === "true").map(([name]) => name),
    metadata: Object.fromEntries(entries.filter(([, value]) => value !== "true")),
  };
}

/**
 * The normalized events of one SES record (the JSON in an SNS notification's `Message`): one per recipient
 * the record names. `eventId` is the SNS MessageId (kept when SNS retries), with `/recipient` appended when
 * the record names several recipients. None when the message is not an SES record (SES's "Successfully
 * validated SNS topic" text after subscribing).
 */
export function toMailEvents(message: string, snsMessageId: string, snsTimestamp: string): MailEvent[] {
  let record: unknown;
  try {
    record = JSON.parse(message);
  } catch {
    return [];
  }
  if (!isObject(record) || !isObject(record.mail)) return [];
  const mail = record.mail;
  const vendorType = text(record.eventType) ?? text(record.notificationType) ?? "";
  const result = outcome(vendorType, record, mail);
  const recipients = result.recipients.length > 0 ? result.recipients : [{ address: undefined }];
  const time = new Date(String(result.timestamp ?? mail.timestamp ?? snsTimestamp));
  const timestamp = Number.isNaN(time.getTime()) ? new Date(snsTimestamp) : time;
  const extras = tagsAndMetadata(mail);
  return recipients.map(({ address, diagnostic }) => ({
    type: result.type,
    provider: "amazon_ses",
    messageId: text(mail.messageId),
    recipient: address,
    timestamp,
    eventId: recipients.length > 1 ? `${snsMessageId}/${address}` : snsMessageId,
    vendorType,
    ...(result.bounce !== undefined && {
      bounce: { ...result.bounce, ...(diagnostic !== undefined && { diagnostic }) },
    }),
    ...(result.url !== undefined && { url: result.url }),
    ...extras,
    raw: record,
  }));
}
