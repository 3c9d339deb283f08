// What the runtime check sends to and verifies: one loopback stub that answers every HTTP vendor's send as
// that vendor does, each provider's variables pointing at it, and one signed webhook post per vendor.
import { createHmac, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { ROOT } from "./workspace-packages.js";

/** A vendor's success answer to a send, by the path the provider posts to. */
const ANSWERS: Record<string, { status: number; body: string; headers?: Record<string, string> }> = {
  "/v2/email/outbound-emails": { status: 200, body: '{"MessageId":"ses-1"}' },
  "/emails": { status: 200, body: '{"id":"resend-1"}' },
  "/v3/mg.example.com/messages": {
    status: 200,
    body: '{"id":"<mailgun-1@mg.example.com>","message":"Queued"}',
  },
  "/email": {
    status: 200,
    body: '{"To":"ann@example.com","SubmittedAt":"2026-12-02T00:00:00Z","MessageID":"postmark-1","ErrorCode":0,"Message":"OK"}',
  },
  "/v3/mail/send": { status: 202, body: "", headers: { "x-message-id": "sendgrid-1" } },
  "/v3/smtp/email": { status: 201, body: '{"messageId":"<brevo-1@smtp-relay.mailin.fr>"}' },
  "/v3.1/send": {
    status: 200,
    body: '{"Messages":[{"Status":"success","To":[{"Email":"ann@example.com","MessageUUID":"u-1","MessageID":1152921504606846977,"MessageHref":"https://api.mailjet.com/v3/REST/message/1152921504606846977"}]}]}',
  },
};

/** The message id each provider's receipt must carry from the stub's answer. */
export const EXPECTED_IDS: Record<string, string> = {
  amazon_ses: "ses-1",
  resend: "resend-1",
  mailgun: "<mailgun-1@mg.example.com>",
  postmark: "postmark-1",
  sendgrid: "sendgrid-1",
  brevo: "<brevo-1@smtp-relay.mailin.fr>",
  mailjet: "1152921504606846977",
};

/** Each HTTP provider's variables and its endpoint on the stub at `url`. */
export function providerSetups(url: string): { id: string; env: Record<string, string>; endpoint: string }[] {
  return [
    {
      id: "amazon_ses",
      env: {
        AWS_SES_REGION: "us-east-1",
        AWS_SES_ACCESS_KEY_ID: "AKIARUNTIME000000001",
        AWS_SES_SECRET_ACCESS_KEY: "rt-secret",
      },
      endpoint: url,
    },
    { id: "resend", env: { RESEND_API_KEY: "re_runtime" }, endpoint: url },
    {
      id: "mailgun",
      env: { MAILGUN_API_KEY: "rt-mailgun", MAILGUN_DOMAIN: "mg.example.com" },
      endpoint: url,
    },
    { id: "postmark", env: { POSTMARK_API_TOKEN: "rt-postmark" }, endpoint: url },
    { id: "sendgrid", env: { SENDGRID_API_KEY: "SG.runtime" }, endpoint: url },
    { id: "brevo", env: { BREVO_API_KEY: "xkeysib-runtime" }, endpoint: `${url}/v3` },
    {
      id: "mailjet",
      env: { MAILJET_API_KEY: "rt-mj-key", MAILJET_API_SECRET: "rt-mj-secret" },
      endpoint: url,
    },
  ];
}

/** Starts the stub on 127.0.0.1:0; it records each request's `METHOD path`. */
export async function startVendorStub(): Promise<{ url: string; requests: string[]; server: Server }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const path = (request.url ?? "").split("?")[0] ?? "";
      requests.push(`${request.method} ${path}`);
      const answer = ANSWERS[path] ?? { status: 404, body: '{"message":"no such path on the stub"}' };
      response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

/** One signed post per vendor and the options its webhook is created with. */
export interface SignedSample {
  readonly vendor: string;
  readonly options: Record<string, unknown>;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const json = { "content-type": "application/json" };

/** Fresh secrets and one authentic post per vendor, signed now. */
export function signedSamples(): SignedSample[] {
  const now = Math.floor(Date.now() / 1000);
  const at = new Date().toISOString();
  const resendSecret = `whsec_${randomBytes(24).toString("base64")}`;
  const resendBody = JSON.stringify({
    type: "email.delivered",
    created_at: at,
    data: {
      created_at: at,
      email_id: "resend-1",
      from: "possy@example.com",
      to: ["ann@example.com"],
      subject: "Hi",
    },
  });
  const svixId = `msg_${randomBytes(8).toString("hex")}`;
  const svixSignature = createHmac("sha256", Buffer.from(resendSecret.slice(6), "base64"))
    .update(`${svixId}.${now}.${resendBody}`)
    .digest("base64");
  const mailgunKey = `key-${randomBytes(8).toString("hex")}`;
  const token = randomBytes(25).toString("hex");
  const sendgridKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const sendgridBody = JSON.stringify([
    {
      email: "ann@example.com",
      timestamp: now,
      event: "delivered",
      sg_event_id: "e1",
      sg_message_id: "sendgrid-1.x",
    },
  ]);
  return [
    {
      vendor: "postmark",
      options: { basic: { username: "pm", password: "pm-pass" } },
      headers: { ...json, authorization: basic("pm", "pm-pass") },
      body: JSON.stringify({
        RecordType: "Delivery",
        MessageID: "postmark-1",
        Recipient: "ann@example.com",
        DeliveredAt: at,
        Details: "",
        Tag: "",
        ServerID: 1,
        Metadata: {},
        MessageStream: "outbound",
      }),
    },
    {
      vendor: "resend",
      options: { secret: resendSecret },
      headers: {
        ...json,
        "svix-id": svixId,
        "svix-timestamp": String(now),
        "svix-signature": `v1,${svixSignature}`,
      },
      body: resendBody,
    },
    {
      vendor: "mailgun",
      options: { signingKey: mailgunKey },
      headers: json,
      body: JSON.stringify({
        signature: {
          timestamp: String(now),
          token,
          signature: createHmac("sha256", mailgunKey).update(`${now}${token}`).digest("hex"),
        },
        "event-data": {
          id: "mg-e1",
          timestamp: now,
          event: "delivered",
          recipient: "ann@example.com",
          message: { headers: { "message-id": "mailgun-1@mg.example.com" } },
        },
      }),
    },
    {
      vendor: "sendgrid",
      options: {
        publicKey: sendgridKeys.publicKey.export({ type: "spki", format: "der" }).toString("base64"),
      },
      headers: {
        ...json,
        "x-twilio-email-event-webhook-signature": sign(
          "sha256",
          Buffer.from(`${now}${sendgridBody}`),
          sendgridKeys.privateKey,
        ).toString("base64"),
        "x-twilio-email-event-webhook-timestamp": String(now),
      },
      body: sendgridBody,
    },
    {
      vendor: "brevo",
      options: { bearer: "brevo-token-1" },
      headers: { ...json, authorization: "Bearer brevo-token-1" },
      body: JSON.stringify({
        event: "delivered",
        email: "ann@example.com",
        id: 1,
        date: at.slice(0, 19).replace("T", " "),
        ts: now,
        "message-id": "<brevo-1@smtp-relay.mailin.fr>",
        ts_event: now,
        subject: "Hi",
        tag: "",
        ts_epoch: Date.now(),
      }),
    },
    {
      vendor: "mailjet",
      options: { basic: { username: "mj", password: "mj-pass" } },
      headers: { ...json, authorization: basic("mj", "mj-pass") },
      body: `{"event":"sent","time":${now},"MessageID":1152921504606846977,"Message_GUID":"g-1","email":"ann@example.com","mj_campaign_id":0,"mj_contact_id":1,"customcampaign":"","mj_message_id":"1152921504606846977","smtp_reply":"250 OK","CustomID":"","Payload":""}`,
    },
    sesSample(at),
  ];
}

/** An SNS notification carrying an SES Delivery, signed (SignatureVersion 2) with the SMTP fixtures' RSA key. */
function sesSample(at: string): SignedSample {
  const fixtures = join(ROOT, "packages", "mail-smtp", "test", "fixtures");
  const topicArn = "arn:aws:sns:us-east-1:123456789012:posse-runtime";
  const certificateUrl = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-runtime.pem";
  const fields = {
    Message: JSON.stringify({
      eventType: "Delivery",
      mail: {
        timestamp: at,
        source: "possy@example.com",
        messageId: "ses-1",
        destination: ["ann@example.com"],
      },
      delivery: { timestamp: at, recipients: ["ann@example.com"], smtpResponse: "250 OK" },
    }),
    MessageId: "sns-1",
    Timestamp: at,
    TopicArn: topicArn,
    Type: "Notification",
  };
  const signed = Object.entries(fields)
    .map(([key, value]) => `${key}\n${value}\n`)
    .join("");
  const key = readFileSync(join(fixtures, "server.key"), "utf8");
  const body = JSON.stringify({
    ...fields,
    SignatureVersion: "2",
    Signature: sign("sha256", Buffer.from(signed), key).toString("base64"),
    SigningCertURL: certificateUrl,
    UnsubscribeURL: "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
  });
  return {
    vendor: "amazon-ses",
    // The script serves the certificate for this one URL from its own fetch: nothing leaves the machine.
    options: {
      topicArns: [topicArn],
      certificateUrl,
      certificate: readFileSync(join(fixtures, "server.pem"), "utf8"),
    },
    headers: {
      "content-type": "text/plain; charset=UTF-8",
      "x-amz-sns-message-type": "Notification",
      "x-amz-sns-topic-arn": topicArn,
    },
    body,
  };
}
