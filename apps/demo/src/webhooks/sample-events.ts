import { createHmac, randomBytes, randomUUID, sign } from "node:crypto";
import type { DemoWebhookSecrets } from "./demo-secrets.js";
import type { WebhookVendor } from "./webhook-endpoints.js";

/** A message the samples are about: events name it by the id `send()` returned, so they join it. */
export interface SampleTarget {
  /** The `messageId` `send()` returned (for SMTP, the Message-ID with its angle brackets). */
  readonly messageId: string;
  /** How the demo's output names the message, e.g. `#1`. */
  readonly name: string;
  /** The recipient's bare address. */
  readonly recipient: string;
  readonly subject: string;
  /** A link in the message, for the click events. */
  readonly link: string;
}

/** One webhook post as the vendor would send it, signed (or, once, forged) with the run's secrets. */
export interface SamplePost {
  readonly vendor: WebhookVendor;
  /** What it reports, e.g. `Delivery`, `email.clicked`. */
  readonly label: string;
  /** The message it is about. */
  readonly target: SampleTarget;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** False for the forged post, which the endpoint must refuse. */
  readonly authentic: boolean;
}

const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const CLIENT_IP = "203.0.113.7";
const seconds = (time: Date) => Math.floor(time.getTime() / 1000);
const basic = (credentials: { username: string; password: string }) =>
  `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;

/** An SES Delivery record in an SNS notification, signed with SignatureVersion 2 (SHA256withRSA) as SNS signs. */
function ses(secrets: DemoWebhookSecrets, target: SampleTarget, at: Date): SamplePost {
  const record = {
    eventType: "Delivery",
    mail: {
      timestamp: at.toISOString(),
      source: "possy@localhost.test",
      sendingAccountId: "123456789012",
      messageId: target.messageId,
      destination: [target.recipient],
      headersTruncated: false,
      tags: { "ses:configuration-set": ["posse-demo"] },
    },
    delivery: {
      timestamp: at.toISOString(),
      processingTimeMillis: 412,
      recipients: [target.recipient],
      smtpResponse: "250 2.6.0 Message received",
      reportingMTA: "a8-70.smtp-out.amazonses.com",
    },
  };
  const fields = {
    Message: JSON.stringify(record),
    MessageId: randomUUID(),
    Timestamp: at.toISOString(),
    TopicArn: secrets.ses.topicArn,
    Type: "Notification",
  };
  // SNS's string to sign: `key\nvalue\n` for each of these keys, in this (alphabetical) order.
  const signed = Object.entries(fields)
    .map(([key, value]) => `${key}\n${value}\n`)
    .join("");
  const body = JSON.stringify({
    ...fields,
    SignatureVersion: "2",
    Signature: sign("sha256", Buffer.from(signed), secrets.ses.privateKey).toString("base64"),
    SigningCertURL: secrets.ses.certificateUrl,
    UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${secrets.ses.topicArn}:demo`,
  });
  const headers = {
    "content-type": "text/plain; charset=UTF-8",
    "x-amz-sns-message-type": "Notification",
    "x-amz-sns-message-id": fields.MessageId,
    "x-amz-sns-topic-arn": secrets.ses.topicArn,
  };
  return { vendor: "amazon-ses", label: "Delivery", target, headers, body, authentic: true };
}

/** A Postmark Open record, with the Basic credentials of the registered URL. */
function postmark(secrets: DemoWebhookSecrets, target: SampleTarget, at: Date): SamplePost {
  const body = JSON.stringify({
    RecordType: "Open",
    MessageStream: "outbound",
    FirstOpen: true,
    Client: { Name: "Chrome 131", Company: "Google", Family: "Chrome" },
    OS: { Name: "Linux", Company: "-", Family: "Linux" },
    Platform: "Desktop",
    UserAgent: USER_AGENT,
    ReadSeconds: 12,
    Geo: {},
    MessageID: target.messageId,
    Metadata: {},
    ReceivedAt: at.toISOString(),
    Tag: "sign-in",
    Recipient: target.recipient,
  });
  const headers = { "content-type": "application/json", authorization: basic(secrets.postmark) };
  return { vendor: "postmark", label: "Open", target, headers, body, authentic: true };
}

function resendBody(target: SampleTarget, at: Date, link: string): string {
  return JSON.stringify({
    type: "email.clicked",
    created_at: at.toISOString(),
    data: {
      created_at: at.toISOString(),
      email_id: target.messageId,
      from: "possy@localhost.test",
      to: [target.recipient],
      subject: target.subject,
      click: { ipAddress: CLIENT_IP, link, timestamp: at.toISOString(), userAgent: USER_AGENT },
    },
  });
}

/** Svix's headers for `body`: HMAC-SHA256 under the secret's key over `${id}.${timestamp}.${body}`. */
function svixHeaders(secret: string, body: string, now: Date): Record<string, string> {
  const id = `msg_${randomBytes(12).toString("hex")}`;
  const timestamp = String(seconds(now));
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return {
    "content-type": "application/json",
    "svix-id": id,
    "svix-timestamp": timestamp,
    "svix-signature": `v1,${signature}`,
  };
}

/** A Resend email.clicked event, signed by Svix's scheme. */
function resend(secrets: DemoWebhookSecrets, target: SampleTarget, at: Date, now: Date): SamplePost {
  const body = resendBody(target, at, target.link);
  const headers = svixHeaders(secrets.resendSecret, body, now);
  return { vendor: "resend", label: "email.clicked", target, headers, body, authentic: true };
}

/** The same Resend event with its link changed after signing: what a forger would send. */
function forgedResend(secrets: DemoWebhookSecrets, target: SampleTarget, at: Date, now: Date): SamplePost {
  const headers = svixHeaders(secrets.resendSecret, resendBody(target, at, target.link), now);
  const body = resendBody(target, at, "https://phish.example/sign-in");
  return {
    vendor: "resend",
    label: "email.clicked",
    target,
    headers,
    body,
    authentic: false,
  };
}

/** A SendGrid batch (deferred, then delivered), signed with ECDSA P-256 over timestamp + body. */
function sendgrid(secrets: DemoWebhookSecrets, target: SampleTarget, at: Date, now: Date): SamplePost {
  const common = {
    email: target.recipient,
    "smtp-id": target.messageId,
    // The id send() returned, then SendGrid's per-recipient suffix.
    sg_message_id: `${target.messageId}.filterdrecv-7bf5d5dbd6-v5m4t-1-67A1B2C3-4.0`,
    category: ["renewal"],
  };
  const body = JSON.stringify([
    {
      ...common,
      timestamp: seconds(at),
      event: "deferred",
      sg_event_id: randomBytes(16).toString("base64url"),
      response: "421 4.7.0 Try again later, closing connection (greylisted)",
      attempt: "1",
    },
    {
      ...common,
      timestamp: seconds(at) + 1,
      event: "delivered",
      sg_event_id: randomBytes(16).toString("base64url"),
      response: "250 2.0.0 OK",
      tls: 1,
    },
  ]);
  const timestamp = String(seconds(now));
  const signature = sign("sha256", Buffer.from(timestamp + body), secrets.sendgrid.privateKey);
  const headers = {
    "content-type": "application/json",
    "x-twilio-email-event-webhook-signature": signature.toString("base64"),
    "x-twilio-email-event-webhook-timestamp": timestamp,
  };
  return { vendor: "sendgrid", label: "deferred + delivered", target, headers, body, authentic: true };
}

/** A Mailgun clicked event, with its HMAC-SHA256 signature of timestamp + token. */
function mailgun(secrets: DemoWebhookSecrets, target: SampleTarget, at: Date, now: Date): SamplePost {
  const timestamp = String(seconds(now));
  const token = randomBytes(25).toString("hex");
  const body = JSON.stringify({
    signature: {
      timestamp,
      token,
      signature: createHmac("sha256", secrets.mailgunSigningKey)
        .update(timestamp + token)
        .digest("hex"),
    },
    "event-data": {
      id: randomBytes(16).toString("base64url"),
      timestamp: at.getTime() / 1000,
      "log-level": "info",
      event: "clicked",
      recipient: target.recipient,
      url: target.link,
      ip: CLIENT_IP,
      "client-info": { "client-type": "browser", "user-agent": USER_AGENT },
      tags: ["renewal"],
      "user-variables": {},
      // Mailgun names the Message-ID without its angle brackets.
      message: { headers: { "message-id": target.messageId.replace(/^<|>$/g, "") } },
    },
  });
  const headers = { "content-type": "application/json" };
  return { vendor: "mailgun", label: "clicked", target, headers, body, authentic: true };
}

/** A Brevo hard_bounce, with the bearer token of the webhook. */
function brevo(secrets: DemoWebhookSecrets, target: SampleTarget, at: Date): SamplePost {
  const body = JSON.stringify({
    event: "hard_bounce",
    email: target.recipient,
    id: 1_048_576,
    date: at.toISOString().slice(0, 19).replace("T", " "),
    ts: seconds(at),
    "message-id": target.messageId,
    ts_event: seconds(at),
    subject: target.subject,
    tag: "",
    sending_ip: "185.41.28.109",
    ts_epoch: at.getTime(),
    reason: `550 5.1.1 <${target.recipient}>: Recipient address rejected: User unknown`,
    tags: ["error-report"],
  });
  const headers = { "content-type": "application/json", authorization: `Bearer ${secrets.brevoToken}` };
  return { vendor: "brevo", label: "hard_bounce", target, headers, body, authentic: true };
}

/**
 * A Mailjet `sent` event, with the Basic credentials of the callback URL. Mailjet names messages by its own
 * 64-bit number (written here digit for digit, beyond JavaScript's safe integers), so this one cannot name a
 * message of the local inbox: the page lists it under events for other messages.
 */
function mailjet(secrets: DemoWebhookSecrets, target: SampleTarget, at: Date): SamplePost {
  const id = `1152921${String(randomBytes(6).readUIntBE(0, 6)).padStart(12, "0").slice(0, 12)}`;
  const body = JSON.stringify({
    event: "sent",
    time: seconds(at),
    MessageID: "<id>",
    Message_GUID: randomUUID(),
    email: target.recipient,
    mj_campaign_id: 0,
    mj_contact_id: 4_242_424_242,
    customcampaign: "",
    mj_message_id: id,
    smtp_reply: "250 2.0.0 OK",
    CustomID: "",
    Payload: "",
  }).replace('"MessageID":"<id>"', `"MessageID":${id}`);
  const headers = { "content-type": "application/json", authorization: basic(secrets.mailjet) };
  return { vendor: "mailjet", label: "sent", target, headers, body, authentic: true };
}

/**
 * One signed post per vendor about the given messages (the first gets SES's delivery, Postmark's open and
 * Resend's click; the second SendGrid's deferral and delivery and Mailgun's click; the third Brevo's bounce;
 * fewer messages are reused in turn), then one forged Resend post. Vendor times are `now` plus a second per step.
 */
export function samplePosts(
  secrets: DemoWebhookSecrets,
  targets: readonly SampleTarget[],
  now = new Date(),
): SamplePost[] {
  if (targets.length === 0) throw new Error("sample events need at least one message");
  const target = (index: number) => targets[index % targets.length]!;
  const at = (step: number) => new Date(now.getTime() + step * 1000);
  return [
    ses(secrets, target(0), at(1)),
    postmark(secrets, target(0), at(3)),
    resend(secrets, target(0), at(5), now),
    sendgrid(secrets, target(1), at(1), now),
    mailgun(secrets, target(1), at(6), now),
    brevo(secrets, target(2), at(2)),
    mailjet(secrets, target(0), at(2)),
    forgedResend(secrets, target(2), at(7), now),
  ];
}
