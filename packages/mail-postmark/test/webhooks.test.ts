// Postmark webhooks: the shared checks of @posse/mail-testkit (valid, forged, malformed, oversized, answers,
// secrets, the join to send()), then Postmark's own: its records (rewritten from Postmark's webhook docs and
// postmark.js payload types), their mapping, and a token in a custom Authorization header.
// Postmark signs nothing and sends no timestamp or token: a changed body with valid credentials is accepted
// (only the credentials are checked), and there is nothing to refuse a replay by (dedupe on eventId/MessageID).
import { fileURLToPath } from "node:url";
import type { MailEvent } from "@posse/mail-core";
import { basicAuthorization as basic, describeWebhookConformance, webhookPost } from "@posse/mail-testkit";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { postmarkProvider } from "../src/index.js";
import { postmarkWebhook } from "../src/webhooks/index.js";

const HOOK = "https://app.example/webhooks/postmark";
const USER = "pm-hook";
const PASSWORD = "pm-hook-S3CRET-77";
const TOKEN = "pm-bearer-S3CRET-88";
const MESSAGE_ID = "883953f4-6105-42a2-a16a-77a8eac79483";
const now = () => Date.UTC(2026, 0, 2);

const post = (
  body: string | Uint8Array,
  headers: Record<string, string> = { authorization: basic(USER, PASSWORD) },
) => webhookPost(HOOK, body, headers);

// Records as Postmark posts them (webhooks overview; postmark.js payload models).
const delivery = {
  RecordType: "Delivery",
  ServerID: 23,
  MessageStream: "outbound",
  MessageID: MESSAGE_ID,
  Recipient: "john@example.com",
  Tag: "welcome-email",
  DeliveredAt: "2026-01-01T16:33:54.9070259Z",
  Details: "Test delivery webhook details",
  Metadata: { a_key: "a_value", b_key: "b_value" },
};
const bounce = (Type: string, TypeCode: number) => ({
  RecordType: "Bounce",
  ID: 42,
  Type,
  TypeCode,
  Name: "Hard bounce",
  Tag: "Test",
  MessageID: MESSAGE_ID,
  ServerID: 1234,
  MessageStream: "outbound",
  Description: "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
  Details: "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
  Email: "john@example.com",
  From: "sender@example.com",
  BouncedAt: "2026-01-01T13:28:10.2735393-04:00",
  DumpAvailable: true,
  Inactive: true,
  CanActivate: true,
  Subject: "Test subject",
  Metadata: { user_id: 43 },
});
const spamComplaint = { ...bounce("SpamComplaint", 512), RecordType: "SpamComplaint", ID: 43 };
const open = {
  RecordType: "Open",
  MessageStream: "outbound",
  FirstOpen: true,
  Client: { Name: "Chrome 35.0.1916.153", Company: "Google", Family: "Chrome" },
  OS: { Name: "OS X 10.7 Lion", Company: "Apple Computer, Inc.", Family: "OS X 10" },
  Platform: "WebMail",
  UserAgent: "Mozilla/5.0",
  ReadSeconds: 5,
  Geo: {},
  MessageID: MESSAGE_ID,
  Metadata: { example: "value" },
  ReceivedAt: "2026-01-01T17:45:31.5426413Z",
  Tag: "welcome-email",
  Recipient: "john@example.com",
};
const click = {
  RecordType: "Click",
  MessageStream: "outbound",
  ClickLocation: "HTML",
  Client: {},
  OS: {},
  Platform: "Desktop",
  UserAgent: "Mozilla/5.0",
  OriginalLink: "https://example.com/login?a=1&b=2",
  Geo: {},
  MessageID: MESSAGE_ID,
  Metadata: {},
  ReceivedAt: "2026-01-01T19:00:00Z",
  Tag: "welcome-email",
  Recipient: "john@example.com",
};
const subscriptionChange = (SuppressSending: boolean, SuppressionReason: string | null) => ({
  RecordType: "SubscriptionChange",
  MessageID: MESSAGE_ID,
  ServerID: 123456,
  MessageStream: "outbound",
  ChangedAt: "2026-01-01T16:33:54.9070259Z",
  Recipient: "bounced-address@wildbit.com",
  Origin: "Recipient",
  SuppressSending,
  SuppressionReason,
  Tag: "my-tag",
  Metadata: { example: "value" },
});

const text = (record: unknown) => (typeof record === "string" ? record : JSON.stringify(record));
const body = JSON.stringify(delivery);

const hook = describeWebhookConformance({
  provider: "postmark",
  webhook: postmarkWebhook,
  options: { env: {}, basic: { username: USER, password: PASSWORD }, bearer: TOKEN, now },
  // Postmark retries only 5xx, 408, 429 and timeouts; every other 4xx drops the event.
  answers: { accepted: 200, failed: 503 },
  secrets: [PASSWORD, TOKEN],
  sample: delivery,
  body: text,
  post: (bytes) => post(bytes),
  unsigned: (record) => post(text(record), {}),
  forged: {
    "no credentials": () => post(body, {}),
    "a wrong password": () => post(body, { authorization: basic(USER, "pm-hook-S3CRET-78") }),
    "a wrong user": () => post(body, { authorization: basic("other", PASSWORD) }),
    "the token as the password": () => post(body, { authorization: basic(USER, TOKEN) }),
    "the password as the token": () => post(body, { authorization: `Bearer ${PASSWORD}` }),
  },
  challenge: "Basic",
  malformed: {
    "not JSON": "{RecordType:",
    "cut-off JSON": "{",
    "an array": JSON.stringify([delivery]),
    "an object without RecordType": JSON.stringify({ MessageID: MESSAGE_ID }),
    "not UTF-8": new Uint8Array([0x7b, 0xff, 0x7d]),
  },
  fromEnv: { env: { POSTMARK_WEBHOOK_USERNAME: USER, POSTMARK_WEBHOOK_PASSWORD: PASSWORD }, now },
  insecure: { env: {}, insecureNoVerification: true, now },
  unconfigured: {
    "no secret": {
      options: { env: {} },
      field: "POSTMARK_WEBHOOK_USERNAME/POSTMARK_WEBHOOK_PASSWORD",
      message: "POSTMARK_WEBHOOK_USERNAME/POSTMARK_WEBHOOK_PASSWORD or POSTMARK_WEBHOOK_TOKEN",
    },
    "a user name without a password, and a blank token": {
      options: { env: { POSTMARK_WEBHOOK_USERNAME: USER, POSTMARK_WEBHOOK_TOKEN: "" } },
      field: "POSTMARK_WEBHOOK_PASSWORD",
    },
    "an empty Basic pair beside a token": {
      options: { env: {}, basic: { username: "", password: "" }, bearer: TOKEN },
      field: "basic.username",
    },
    "a user name with an empty password": {
      options: { env: {}, basic: { username: USER, password: "" } },
      field: "basic.password",
    },
  },
  join: {
    definition: postmarkProvider,
    config: { serverToken: "pm-join-token" },
    sendUrl: "https://api.postmarkapp.com/email",
    success: () =>
      HttpResponse.json({
        To: "ann@example.com",
        SubmittedAt: "2026-01-01T00:00:00Z",
        MessageID: MESSAGE_ID,
        ErrorCode: 0,
        Message: "OK",
      }),
    messageId: MESSAGE_ID,
    message: { tags: ["login"], metadata: { user_id: "42", plan: "pro" } },
    // Postmark echoes the Tag and Metadata it was sent in every record about the message.
    echo: async (sent, receipt) => {
      const { Tag, Metadata } = (await sent.json()) as { Tag: string; Metadata: Record<string, string> };
      return { ...delivery, MessageID: receipt.messageId, Recipient: "ann@example.com", Tag, Metadata };
    },
  },
  sdk: {
    entries: ["index.js", "index.cjs"].map((file) =>
      fileURLToPath(new URL(`../dist/webhooks/${file}`, import.meta.url)),
    ),
    module: "/node_modules/postmark/",
  },
});

/** The one event of a record. */
async function eventOf(record: unknown): Promise<MailEvent> {
  const events = await hook.eventsOf(record);
  expect(events).toHaveLength(1);
  return events[0]!;
}

describe("postmark webhook: mapping", () => {
  it("maps a Delivery with its tag, metadata, recipient and time", async () => {
    expect(await eventOf(delivery)).toEqual({
      type: "delivered",
      provider: "postmark",
      messageId: MESSAGE_ID,
      recipient: "john@example.com",
      timestamp: new Date("2026-01-01T16:33:54.907Z"),
      vendorType: "Delivery",
      tags: ["welcome-email"],
      metadata: { a_key: "a_value", b_key: "b_value" },
      raw: delivery,
    });
  });

  it.each([
    ["HardBounce", 1, "bounced", "hard"],
    ["BadEmailAddress", 100000, "bounced", "hard"],
    ["SoftBounce", 4096, "bounced", "soft"],
    ["Transient", 2, "bounced", "soft"],
    ["DnsError", 256, "bounced", "soft"],
    ["Unknown", 2048, "bounced", "undetermined"],
    ["Blocked", 100006, "rejected", "undetermined"],
    ["DMARCPolicy", 100009, "rejected", "undetermined"],
    ["ManuallyDeactivated", 100002, "rejected", "undetermined"],
    ["SMTPApiError", 100007, "rejected", "undetermined"],
    ["SpamNotification", 512, "complained", undefined],
    ["Unsubscribe", 16, "unsubscribed", undefined],
    ["AutoResponder", 64, "unknown", undefined],
    ["AddressChange", 128, "unknown", undefined],
  ])("maps a Bounce of Type %s", async (type, code, expected, kind) => {
    const event = await eventOf(bounce(type, code));
    expect(event.type).toBe(expected);
    expect(event.vendorType).toBe(`Bounce/${type}`);
    expect(event.recipient).toBe("john@example.com");
    expect(event.eventId).toBe("42");
    expect(event.timestamp).toEqual(new Date("2026-01-01T17:28:10.273Z"));
    expect(event.metadata).toEqual({ user_id: "43" });
    expect(event.tags).toEqual(["Test"]);
    expect(event.bounce).toEqual(
      kind === undefined
        ? undefined
        : {
            kind,
            reason: type,
            diagnostic: "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
          },
    );
  });

  it("maps a SpamComplaint, an Open and a Click (with its URL)", async () => {
    expect(await eventOf(spamComplaint)).toMatchObject({
      type: "complained",
      recipient: "john@example.com",
      eventId: "43",
    });
    expect(await eventOf(open)).toMatchObject({
      type: "opened",
      messageId: MESSAGE_ID,
      timestamp: new Date("2026-01-01T17:45:31.542Z"),
      metadata: { example: "value" },
    });
    const clicked = await eventOf(click);
    expect(clicked).toMatchObject({
      type: "clicked",
      url: "https://example.com/login?a=1&b=2",
      tags: ["welcome-email"],
    });
  });

  it("maps a SubscriptionChange only when the recipient suppressed sending", async () => {
    expect((await eventOf(subscriptionChange(true, "ManualSuppression"))).type).toBe("unsubscribed");
    expect((await eventOf(subscriptionChange(true, "HardBounce"))).type).toBe("unknown");
    expect((await eventOf(subscriptionChange(false, null))).type).toBe("unknown");
  });

  it("accepts a record of an unknown RecordType, handing it over as unknown, with the receipt time when it has none", async () => {
    const record = { RecordType: "SomethingNew", MessageID: MESSAGE_ID };
    const event = await eventOf(record);
    expect(event).toMatchObject({
      type: "unknown",
      vendorType: "SomethingNew",
      messageId: MESSAGE_ID,
      tags: [],
      metadata: {},
    });
    expect(event.timestamp).toEqual(new Date(Date.UTC(2026, 0, 2)));
  });

  it("parses a record re-serialized by a body parser exactly as the raw post", async () => {
    const raw = JSON.stringify(bounce("HardBounce", 1), null, 2).replaceAll("\n", "\r\n");
    const reserialized = JSON.stringify(JSON.parse(raw));
    expect(reserialized).not.toBe(raw);
    expect(await hook.eventsOf(reserialized)).toEqual(await hook.eventsOf(raw));
  });
});

describe("postmark webhook: a token in a custom Authorization header", () => {
  it("is read from POSTMARK_WEBHOOK_TOKEN", async () => {
    const endpoint = hook.endpoint({ env: { POSTMARK_WEBHOOK_TOKEN: TOKEN } });
    expect((await endpoint.post(post(body, { authorization: `Bearer ${TOKEN}` }))).status).toBe(
      hook.answers.accepted,
    );
    expect((await endpoint.post(post(body, { authorization: "Bearer nope" }))).status).toBe(401);
    expect(endpoint.events).toHaveLength(1);
  });
});
