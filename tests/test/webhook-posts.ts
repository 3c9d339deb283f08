// A verified delivery-event post for each vendor's webhook, built as the vendor builds it (signed with the
// test keys and certificates the vendor packages' own webhook tests use), for the all-provider tests.
import { createHmac, generateKeyPairSync, sign as signWith } from "node:crypto";
import { readFileSync } from "node:fs";
import { sesWebhook } from "@posse/mail-amazon-ses/webhooks";
import { brevoWebhook } from "@posse/mail-brevo/webhooks";
import type { WebhookDefinition } from "@posse/mail-core";
import { createFakeClock } from "@posse/mail-core/testing";
import { mailgunWebhook } from "@posse/mail-mailgun/webhooks";
import { mailjetWebhook } from "@posse/mail-mailjet/webhooks";
import { postmarkWebhook } from "@posse/mail-postmark/webhooks";
import { resendWebhook } from "@posse/mail-resend/webhooks";
import { sendgridWebhook } from "@posse/mail-sendgrid/webhooks";
import { basicAuthorization, webhookPost } from "@posse/mail-testkit";

/** What a post reports about its recipient. */
export type Outcome = "hard-bounce" | "soft-bounce" | "complaint" | "unsubscribe";

/** One vendor's webhook and its posts. */
export interface WebhookKit {
  readonly id: string;
  /** A webhook definition that verifies the posts below. */
  webhook(): WebhookDefinition;
  /** A verified post of one event about `recipient`; the `n`-th of its kind (ids and tokens differ). */
  post(outcome: Outcome, recipient: string, n?: number): Request;
  /** Outcomes the vendor does not report. */
  readonly lacks?: readonly Outcome[];
}

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const SECONDS = NOW / 1000;
const now = () => NOW;
const HOOK = "https://app.example/webhooks";
const json = JSON.stringify;

const SES_FIXTURES = new URL("../../packages/mail-amazon-ses/test/fixtures/", import.meta.url);
const SES_CERTIFICATE = readFileSync(new URL("sns-test-signing.pem", SES_FIXTURES), "utf8");
const SES_KEY = readFileSync(new URL("sns-test-signing.key.pem", SES_FIXTURES), "utf8");
const SES_TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-events";
const SES_CERT_URL =
  "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem";
const SES_TIME = new Date(NOW).toISOString();

function sesRecord(outcome: Outcome, recipient: string) {
  const mail = {
    timestamp: SES_TIME,
    source: "app@example.com",
    messageId: "ses-1",
    destination: [recipient],
  };
  const at = { timestamp: SES_TIME };
  if (outcome === "complaint") {
    return {
      eventType: "Complaint",
      mail,
      complaint: { complainedRecipients: [{ emailAddress: recipient }], ...at },
    };
  }
  if (outcome === "unsubscribe") {
    const subscription = { contactList: "news", newTopicPreferences: { unsubscribeAll: true }, ...at };
    return { eventType: "Subscription", mail, subscription };
  }
  const bounceType = outcome === "hard-bounce" ? "Permanent" : "Transient";
  const bounce = {
    bounceType,
    bounceSubType: "General",
    bouncedRecipients: [{ emailAddress: recipient }],
    ...at,
  };
  return { eventType: "Bounce", mail, bounce };
}

function sesPost(outcome: Outcome, recipient: string, n = 1): Request {
  const fields: Record<string, string> = {
    Type: "Notification",
    MessageId: `sns-${outcome}-${n}`,
    TopicArn: SES_TOPIC,
    Message: json(sesRecord(outcome, recipient)),
    Timestamp: SES_TIME,
  };
  const signed = ["Message", "MessageId", "Timestamp", "TopicArn", "Type"].map((k) => `${k}\n${fields[k]}\n`);
  const Signature = signWith("RSA-SHA256", Buffer.from(signed.join("")), SES_KEY).toString("base64");
  const body = { ...fields, SignatureVersion: "2", Signature, SigningCertURL: SES_CERT_URL };
  return webhookPost(`${HOOK}/ses`, json(body), { "x-amz-sns-message-type": "Notification" });
}

const RESEND_KEY = Buffer.from("posse-resend-test-signing-key-32b");
function resendPost(outcome: Outcome, recipient: string, n = 1): Request {
  const type = outcome === "complaint" ? "email.complained" : "email.bounced";
  const bounce = {
    type: outcome === "hard-bounce" ? "Permanent" : "Transient",
    subType: "General",
    message: "550",
  };
  const data = { email_id: "re-1", created_at: SES_TIME, from: "app@example.com", to: [recipient], bounce };
  const body = json({ type, created_at: SES_TIME, data });
  const id = `msg_${outcome}_${n}`;
  const signature = createHmac("sha256", RESEND_KEY).update(`${id}.${SECONDS}.${body}`).digest("base64");
  const headers = { "svix-id": id, "svix-timestamp": String(SECONDS), "svix-signature": `v1,${signature}` };
  return webhookPost(`${HOOK}/resend`, body, headers);
}

const MAILGUN_KEY = "mg-signing-S3CRET-4f2a9c";
function mailgunPost(outcome: Outcome, recipient: string, n = 1): Request {
  const token = `token-${outcome}-${n}-${"x".repeat(40)}`;
  const timestamp = String(SECONDS);
  const signature = createHmac("sha256", MAILGUN_KEY)
    .update(timestamp + token)
    .digest("hex");
  const event = { complaint: "complained", unsubscribe: "unsubscribed" }[outcome as string] ?? "failed";
  const severity = outcome === "hard-bounce" ? { severity: "permanent" } : {};
  const message = { headers: { "message-id": "mg-1@mg.example.com" } };
  const data = { id: `mg-${outcome}-${n}`, timestamp: SECONDS - 1, event, recipient, message, ...severity };
  return webhookPost(
    `${HOOK}/mailgun`,
    json({ signature: { timestamp, token, signature }, "event-data": data }),
  );
}

const PM_USER = "pm-hook";
const PM_PASSWORD = "pm-hook-S3CRET-77";
function postmarkPost(outcome: Outcome, recipient: string, n = 1): Request {
  const common = { ID: n, MessageID: "pm-1", ServerID: 1, MessageStream: "outbound" };
  const record =
    outcome === "unsubscribe"
      ? {
          RecordType: "SubscriptionChange",
          Recipient: recipient,
          SuppressSending: true,
          SuppressionReason: "ManualSuppression",
          ChangedAt: SES_TIME,
          ...common,
        }
      : outcome === "complaint"
        ? {
            RecordType: "SpamComplaint",
            Type: "SpamComplaint",
            TypeCode: 512,
            Email: recipient,
            BouncedAt: SES_TIME,
            ...common,
          }
        : {
            RecordType: "Bounce",
            Type: outcome === "hard-bounce" ? "HardBounce" : "SoftBounce",
            TypeCode: 1,
            Email: recipient,
            BouncedAt: SES_TIME,
            ...common,
          };
  return webhookPost(`${HOOK}/postmark`, json(record), {
    authorization: basicAuthorization(PM_USER, PM_PASSWORD),
  });
}

const SENDGRID_KEYS = generateKeyPairSync("ec", { namedCurve: "P-256" });
const SENDGRID_PUBLIC = SENDGRID_KEYS.publicKey.export({ type: "spki", format: "der" }).toString("base64");
function sendgridPost(outcome: Outcome, recipient: string, n = 1): Request {
  const kind = { complaint: { event: "spamreport" }, unsubscribe: { event: "unsubscribe" } }[
    outcome as string
  ];
  const bounce = { event: "bounce", type: outcome === "hard-bounce" ? "bounce" : "blocked", reason: "550" };
  const event = {
    email: recipient,
    timestamp: SECONDS - 1,
    sg_event_id: `sg-${outcome}-${n}`,
    sg_message_id: "sg-1.filter0",
    ...(kind ?? bounce),
  };
  const body = `${json([event])}\r\n`;
  const timestamp = String(SECONDS);
  const signature = signWith("sha256", Buffer.from(timestamp + body), SENDGRID_KEYS.privateKey).toString(
    "base64",
  );
  return webhookPost(`${HOOK}/sendgrid`, body, {
    "x-twilio-email-event-webhook-signature": signature,
    "x-twilio-email-event-webhook-timestamp": timestamp,
  });
}

const BREVO_TOKEN = "brevo-hook-S3CRET-31d7";
function brevoPost(outcome: Outcome, recipient: string, n = 1): Request {
  const event = {
    "hard-bounce": "hard_bounce",
    "soft-bounce": "soft_bounce",
    complaint: "spam",
    unsubscribe: "unsubscribed",
  }[outcome];
  const record = {
    event,
    email: recipient,
    id: 1,
    "message-id": `<brevo-${outcome}-${n}@smtp-relay.mailin.fr>`,
    ts_event: SECONDS - 1,
    ts_epoch: NOW - 1000 + n,
  };
  return webhookPost(`${HOOK}/brevo`, json(record), { authorization: `Bearer ${BREVO_TOKEN}` });
}

const MJ_USER = "mj-hook";
const MJ_PASSWORD = "mj-hook-S3CRET-0b3e";
function mailjetPost(outcome: Outcome, recipient: string, n = 1): Request {
  const kind =
    outcome === "complaint"
      ? { event: "spam" }
      : outcome === "unsubscribe"
        ? { event: "unsub" }
        : { event: "bounce", hard_bounce: outcome === "hard-bounce", error: "user unknown" };
  const fields = json({ time: SECONDS - 1 + n, email: recipient, ...kind });
  const body = `{"MessageID":${1000 + n},${fields.slice(1)}`;
  return webhookPost(`${HOOK}/mailjet`, body, { authorization: basicAuthorization(MJ_USER, MJ_PASSWORD) });
}

/** A fetch that serves the SNS test certificate, and nothing else. */
const snsFetch = (async (input: string | URL | Request) =>
  String(input) === SES_CERT_URL
    ? new Response(SES_CERTIFICATE)
    : new Response("not found", { status: 404 })) as typeof fetch;

/** Every vendor with a webhook. */
export const WEBHOOK_KITS: readonly WebhookKit[] = [
  {
    id: "amazon_ses",
    webhook: () => sesWebhook({ topicArns: [SES_TOPIC], fetch: snsFetch, clock: createFakeClock(NOW) }),
    post: sesPost,
  },
  {
    id: "resend",
    webhook: () => resendWebhook({ secret: `whsec_${RESEND_KEY.toString("base64")}`, now, env: {} }),
    post: resendPost,
    lacks: ["unsubscribe"],
  },
  {
    id: "mailgun",
    webhook: () => mailgunWebhook({ signingKey: MAILGUN_KEY, env: {}, now }),
    post: mailgunPost,
  },
  {
    id: "postmark",
    webhook: () => postmarkWebhook({ env: {}, basic: { username: PM_USER, password: PM_PASSWORD }, now }),
    post: postmarkPost,
  },
  {
    id: "sendgrid",
    webhook: () => sendgridWebhook({ publicKey: SENDGRID_PUBLIC, now, env: {} }),
    post: sendgridPost,
  },
  { id: "brevo", webhook: () => brevoWebhook({ env: {}, bearer: BREVO_TOKEN, now }), post: brevoPost },
  {
    id: "mailjet",
    webhook: () => mailjetWebhook({ env: {}, basic: { username: MJ_USER, password: MJ_PASSWORD }, now }),
    post: mailjetPost,
  },
];
