// Resend webhooks: Svix signatures made here with node:crypto by the documented algorithm. The shared checks of
// @posse/mail-testkit (valid, forged, stale, malformed, oversized, answers, secrets, the join to send()), then
// Resend's own: its documented payloads, rewritten as fixtures, their mapping, and rotated secrets.
// Replays: Svix re-sends a failed delivery with the same svix-id (new timestamp and signature), so an id cache
// would refuse the retry a 500 asked for; the 300 s window is the replay defence and svix-id the eventId to dedupe on.
import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { MailError } from "@posse/mail-core";
import { describeWebhookConformance, webhookPost } from "@posse/mail-testkit";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { resendProvider } from "../src/index.js";
import { resendWebhook } from "../src/webhooks/index.js";

const KEY = Buffer.from("posse-resend-test-signing-key-32b");
const SECRET = `whsec_${KEY.toString("base64")}`;
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const SECONDS = Math.floor(NOW / 1000);
const URL_ = "https://app.example/webhooks/resend";
const EMAIL_ID = "56761188-7520-42d8-8898-ff6fc54ce618";
const now = () => NOW;

/** Resend's email.bounced sample (event-types docs), with a General bounce and the provider's tags. */
const BOUNCED = {
  type: "email.bounced",
  created_at: "2026-01-15T11:59:58.126Z",
  data: {
    created_at: "2026-01-15T11:59:40.894719+00:00",
    email_id: EMAIL_ID,
    from: "Acme <onboarding@resend.dev>",
    to: ["ann@example.com"],
    subject: "Sign in",
    bounce: {
      message: "550 5.1.1 The email account that you tried to reach does not exist.",
      subType: "General",
      type: "Permanent",
    },
    tags: { login: "true", user_id: "42" },
  },
};

/** Svix: base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` under the decoded secret. */
function sign(
  body: string | Uint8Array,
  id = "msg_2mVbSp3HrrtNjvQ8yA",
  timestamp = SECONDS,
  key = KEY,
): Record<string, string> {
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest("base64");
  return { "svix-id": id, "svix-timestamp": String(timestamp), "svix-signature": `v1,${signature}` };
}

const post = (body: string | Uint8Array, headers: Record<string, string>) => webhookPost(URL_, body, headers);

function eventOf(type: string, data: Record<string, unknown> = {}) {
  return JSON.stringify({ type, created_at: "2026-01-15T11:59:58.000Z", data: { ...BOUNCED.data, ...data } });
}

const body = JSON.stringify(BOUNCED);
const pretty = JSON.stringify(BOUNCED, null, 2);
const MISMATCH = "svix-signature does not match the body";
const hook = describeWebhookConformance({
  provider: "resend",
  webhook: resendWebhook,
  options: { secret: SECRET, now, env: {} },
  // Svix: a 2xx within 15 s is delivered; any other status is retried on its schedule.
  answers: { accepted: 200, failed: 503 },
  secrets: [SECRET, KEY.toString("base64"), sign(body)["svix-signature"]!.slice(3)],
  sample: body,
  body: (text: string) => text,
  post: (bytes) => post(bytes, sign(bytes)),
  unsigned: (text) => post(text, {}),
  forged: {
    "a tampered body": { post: () => post(body.replace("ann@", "eve@"), sign(body)), text: MISMATCH },
    "another secret's signature": {
      post: () => post(body, sign(body, undefined, undefined, Buffer.from("not-the-endpoint-secret"))),
      text: MISMATCH,
    },
    "a body re-serialized instead of raw": {
      post: () => post(JSON.stringify(JSON.parse(pretty)), sign(pretty)),
      text: MISMATCH,
    },
  },
  signatureHeaders: ["svix-id", "svix-timestamp", "svix-signature"],
  stale: {
    toleranceSeconds: 300,
    at: (offset) => post(body, sign(body, undefined, SECONDS + offset)),
  },
  malformed: {
    "not JSON": "not json",
    "cut-off JSON": "{",
    "an array": "[]",
    "an event without data": JSON.stringify({ type: "email.sent" }),
  },
  fromEnv: { env: { RESEND_WEBHOOK_SECRET: SECRET }, now },
  insecure: { env: {}, insecureNoVerification: true },
  unconfigured: {
    "no secret": { options: { env: {} }, field: "RESEND_WEBHOOK_SECRET" },
    "a RESEND_WEBHOOK_SECRET that is not whsec_ + base64": {
      options: { env: { RESEND_WEBHOOK_SECRET: "whsec_not*base64!" } },
      field: "RESEND_WEBHOOK_SECRET",
    },
    "a secret option that is not whsec_ + base64": {
      options: { secret: "whsec_***not base64***" },
      field: "secret",
    },
    "toleranceSeconds NaN": {
      options: { secret: SECRET, env: {}, toleranceSeconds: Number.NaN },
      field: "toleranceSeconds",
      message: "the resend webhook: toleranceSeconds must be a positive number of seconds",
    },
    "toleranceSeconds Infinity": {
      options: { secret: SECRET, env: {}, toleranceSeconds: Number.POSITIVE_INFINITY },
      field: "toleranceSeconds",
      message: "the resend webhook: toleranceSeconds must be a positive number of seconds",
    },
    "toleranceSeconds 0": {
      options: { secret: SECRET, env: {}, toleranceSeconds: 0 },
      field: "toleranceSeconds",
      message: "the resend webhook: toleranceSeconds must be a positive number of seconds",
    },
    "toleranceSeconds -300": {
      options: { secret: SECRET, env: {}, toleranceSeconds: -300 },
      field: "toleranceSeconds",
      message: "the resend webhook: toleranceSeconds must be a positive number of seconds",
    },
  },
  join: {
    definition: resendProvider,
    config: { apiKey: "re_join_test" },
    sendUrl: "https://api.resend.com/emails",
    success: () => HttpResponse.json({ id: EMAIL_ID }),
    messageId: EMAIL_ID,
    message: { tags: ["login"], metadata: { user_id: "42" } },
    // Resend echoes the tags it was sent (name and value) as one object.
    echo: async (sent, receipt) => {
      const { tags } = (await sent.json()) as { tags: { name: string; value: string }[] };
      const echoed = Object.fromEntries(tags.map((tag) => [tag.name, tag.value]));
      return eventOf("email.delivered", { email_id: receipt.messageId, tags: echoed });
    },
  },
  sdk: {
    entries: ["index.js", "index.cjs"].map((file) =>
      fileURLToPath(new URL(`../dist/webhooks/${file}`, import.meta.url)),
    ),
    module: "/node_modules/resend/",
  },
});

describe("resend webhook: Resend's signatures", () => {
  it("accepts a signed event and hands over its normalized event", async () => {
    expect(await hook.eventsOf(pretty)).toEqual([
      {
        type: "bounced",
        provider: "resend",
        messageId: EMAIL_ID,
        recipient: "ann@example.com",
        timestamp: new Date("2026-01-15T11:59:58.126Z"),
        eventId: "msg_2mVbSp3HrrtNjvQ8yA",
        vendorType: "email.bounced",
        bounce: {
          kind: "hard",
          reason: "Permanent/General",
          diagnostic: "550 5.1.1 The email account that you tried to reach does not exist.",
        },
        tags: ["login"],
        metadata: { user_id: "42" },
        raw: BOUNCED,
      },
    ]);
  });

  it("accepts any v1 entry of a rotated secret's signature list", async () => {
    const headers = sign(body);
    const old = sign(body, undefined, undefined, Buffer.from("the-previous-key"))["svix-signature"];
    headers["svix-signature"] = `v1a,ignored ${old} ${headers["svix-signature"]}`;
    expect((await hook.deliver(post(body, headers))).status).toBe(hook.answers.accepted);
  });

  it("refuses a post replayed after a shorter configured window (403)", async () => {
    const later = { secret: SECRET, env: {}, toleranceSeconds: 60, now: () => NOW + 61_000 };
    expect((await hook.deliver(post(body, sign(body)), later)).status).toBe(403);
  });

  it("refuses a secret that is not whsec_ + base64 without naming its value", () => {
    const bad = "whsec_not*base64!";
    let error: unknown;
    try {
      resendWebhook({ secret: bad });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MailError);
    expect((error as MailError).field).toBe("secret");
    expect((error as Error).message).not.toContain("not*base64");
  });
});

describe("resend webhook: event mapping", () => {
  it.each([
    ["email.delivered", {}, { type: "delivered" }],
    ["email.delivery_delayed", {}, { type: "deferred" }],
    ["email.complained", {}, { type: "complained" }],
    [
      "email.failed",
      { failed: { reason: "reached_daily_quota" } },
      { type: "rejected", bounce: { kind: "undetermined", reason: "reached_daily_quota" } },
    ],
    [
      "email.suppressed",
      { suppressed: { type: "bounce", message: "on the suppression list" } },
      {
        type: "rejected",
        bounce: { kind: "undetermined", reason: "bounce", diagnostic: "on the suppression list" },
      },
    ],
    ["email.opened", {}, { type: "opened" }],
    [
      "email.clicked",
      { click: { link: "https://posseparty.example/login/abc", ipAddress: "203.0.113.9", timestamp: "x" } },
      { type: "clicked", url: "https://posseparty.example/login/abc" },
    ],
    ["email.sent", {}, { type: "unknown" }],
    ["email.scheduled", {}, { type: "unknown" }],
  ])("maps %s", async (vendorType, data, expected) => {
    const { bounce: _bounce, ...rest } = BOUNCED.data;
    const body = JSON.stringify({
      type: vendorType,
      created_at: "2026-01-15T11:59:58.000Z",
      data: { ...rest, ...data },
    });
    const received = await hook.eventsOf(body);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      ...expected,
      vendorType,
      messageId: EMAIL_ID,
      recipient: "ann@example.com",
    });
    // Only a refusal carries a reason: no other event has a bounce.
    expect(received[0]!.bounce).toEqual((expected as { bounce?: unknown }).bounce);
  });

  it("classifies bounces: Transient is soft, a suppression-list bounce was never sent (rejected)", async () => {
    const soft = eventOf("email.bounced", {
      bounce: { type: "Transient", subType: "MailboxFull", message: "452" },
    });
    const suppressed = eventOf("email.bounced", {
      bounce: { type: "Permanent", subType: "Suppressed", message: "x" },
    });
    const [a] = await hook.eventsOf(soft);
    const [b] = await hook.eventsOf(suppressed);
    expect(a!.bounce).toEqual({ kind: "soft", reason: "Transient/MailboxFull", diagnostic: "452" });
    expect(b).toMatchObject({
      type: "rejected",
      vendorType: "email.bounced",
      bounce: { kind: "hard", reason: "Permanent/Suppressed", diagnostic: "x" },
    });
  });

  it("hands over contact and domain events, and types it does not know yet, as unknown, never refusing them", async () => {
    const contact = JSON.stringify({
      type: "contact.created",
      created_at: "2026-01-15T11:59:58.000Z",
      data: { id: "e169aa45", audience_id: "78261eea", email: "steve@example.com", unsubscribed: false },
    });
    expect(await hook.eventsOf(contact)).toMatchObject([
      { type: "unknown", vendorType: "contact.created", messageId: undefined },
    ]);
    const brandNew = JSON.stringify({ type: "email.brand_new", created_at: BOUNCED.created_at, data: {} });
    expect(await hook.eventsOf(brandNew)).toMatchObject([{ type: "unknown", vendorType: "email.brand_new" }]);
  });

  it("names no recipient when the message went to several (Resend does not say which)", async () => {
    const body = eventOf("email.delivered", { to: ["ann@example.com", "bob@example.com"] });
    const [event] = await hook.eventsOf(body);
    expect(event!.recipient).toBeUndefined();
  });
});
