// SendGrid webhooks: a P-256 key pair made for the test signs bodies with node:crypto by the documented
// algorithm (ECDSA SHA-256 over timestamp + raw body, DER signature). The shared checks of @posse/mail-testkit
// (valid, forged, stale, malformed, oversized, answers, secrets, the join to send()), then SendGrid's own: its
// documented event samples, rewritten as fixtures, their mapping, DER signatures and key formats.
// Replays: SendGrid gives no nonce and documents no window (dedupe on sg_event_id); the signed timestamp's
// window is the only replay defence. The verification key is public, so the "secret" an answer must not echo
// is the signature (and, for good measure, the key).
import { sign as ecdsaSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { fileURLToPath } from "node:url";
import { MailError } from "@posse/mail-core";
import { describeWebhookConformance, webhookPost } from "@posse/mail-testkit";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { sendgridProvider } from "../src/index.js";
import { sendgridWebhook } from "../src/webhooks/index.js";
import { sendMessageId } from "../src/webhooks/map-event.js";
import { derToRawSignature } from "../src/webhooks/verify-signature.js";

const pair = () => generateKeyPairSync("ec", { namedCurve: "P-256" });
const { privateKey, publicKey } = pair();
const PUBLIC_KEY = publicKey.export({ type: "spki", format: "der" }).toString("base64");
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const SECONDS = Math.floor(NOW / 1000);
const URL_ = "https://app.example/webhooks/sendgrid";
const X_MESSAGE_ID = "W5ZFCbqJSM2x4eVOj8Bhdw";
const SG_MESSAGE_ID = `${X_MESSAGE_ID}.filterdrecv-p3las1-5bf99c48d-4rrhq-20-5D1E4F2C-28.0`;
const now = () => NOW;

const common = (event: string, extra: Record<string, unknown> = {}) => ({
  email: "ann@example.com",
  timestamp: 1768478390,
  "smtp-id": `<${X_MESSAGE_ID}@geopod-ismtpd-4>`,
  event,
  category: ["login"],
  sg_event_id: `sg_event_id_${event}`,
  sg_message_id: SG_MESSAGE_ID,
  user_id: "42",
  ...extra,
});

/** SendGrid's Event Webhook samples (event reference), one of each kind, plus a kind it may add later. */
const BATCH = [
  common("processed", { pool: { name: "new_MY_test", id: 210 } }),
  common("deferred", { response: "400 try again later", attempt: "5" }),
  common("delivered", { response: "250 OK", ip: "168.1.1.1", tls: 1 }),
  common("open", { useragent: "Mozilla/4.0", ip: "255.255.255.255", sg_machine_open: false }),
  common("click", { url: "https://posseparty.example/login/abc", url_offset: { index: 0, type: "html" } }),
  common("bounce", {
    reason: "550 5.1.1 The email account that you tried to reach does not exist.",
    status: "5.1.1",
    type: "bounce",
    bounce_classification: "Invalid Address",
  }),
  common("bounce", { reason: "550 5.7.1 Blocked by policy", status: "5.7.1", type: "blocked" }),
  common("dropped", { reason: "Bounced Address", status: "5.0.0" }),
  common("spamreport"),
  common("unsubscribe"),
  common("group_unsubscribe", { asm_group_id: 10 }),
  common("group_resubscribe", { asm_group_id: 10 }),
  common("account_status_change_notice"),
];

/** The body as SendGrid posts it: events separated by CRLF, a trailing CRLF. */
const raw = (events: readonly unknown[]) => `[${events.map((e) => JSON.stringify(e)).join(",\r\n")}]\r\n`;

function sign(
  body: string | Uint8Array,
  timestamp = SECONDS,
  key: KeyObject = privateKey,
): Record<string, string> {
  const signature = ecdsaSign(
    "sha256",
    Buffer.concat([Buffer.from(String(timestamp)), Buffer.from(body)]),
    key,
  );
  return {
    "x-twilio-email-event-webhook-signature": signature.toString("base64"),
    "x-twilio-email-event-webhook-timestamp": String(timestamp),
  };
}

// ECDSA signatures are randomized: one per body, so the checks can look for it in every answer.
const signatures = new Map<string, Record<string, string>>();
function signOnce(body: string | Uint8Array): Record<string, string> {
  const key = Buffer.from(body).toString("base64");
  if (!signatures.has(key)) signatures.set(key, sign(body));
  return signatures.get(key)!;
}

const post = (body: string | Uint8Array, headers: Record<string, string>) =>
  webhookPost(URL_, body, { "content-type": "application/json;charset=utf-8", ...headers });

const body = raw(BATCH.slice(0, 3));
const SIGNATURE = "x-twilio-email-event-webhook-signature";
const MISMATCH = `${SIGNATURE} does not match the body`;

const hook = describeWebhookConformance({
  provider: "sendgrid",
  webhook: sendgridWebhook,
  options: { publicKey: PUBLIC_KEY, now, env: {} },
  // SendGrid: anything but a 2xx is retried "for up to 24 hours after the event occurs".
  answers: { accepted: 200, failed: 503 },
  secrets: [signOnce(body)[SIGNATURE]!, PUBLIC_KEY],
  sample: body,
  body: (text: string) => text,
  post: (bytes) => post(bytes, signOnce(bytes)),
  unsigned: (text) => post(text, {}),
  forged: {
    "a tampered body": { post: () => post(body.replace("ann@", "eve@"), signOnce(body)), text: MISMATCH },
    "another key's signature": {
      post: () => post(body, sign(body, SECONDS, pair().privateKey)),
      text: MISMATCH,
    },
    "a body re-serialized instead of raw": {
      post: () => post(JSON.stringify(JSON.parse(body)), signOnce(body)),
      text: MISMATCH,
    },
    "a signature that is not DER": () =>
      post(body, { ...sign(body), [SIGNATURE]: Buffer.alloc(64, 7).toString("base64") }),
    "a signature made with the timestamp left out": () =>
      post(body, {
        ...sign(body),
        [SIGNATURE]: ecdsaSign("sha256", Buffer.from(body), privateKey).toString("base64"),
      }),
  },
  signatureHeaders: [SIGNATURE, "x-twilio-email-event-webhook-timestamp"],
  stale: {
    toleranceSeconds: 600,
    at: (offset) => post(body, sign(body, SECONDS + offset)),
  },
  malformed: {
    "not JSON": "not json",
    "cut-off JSON": "[{",
    "one event, not a batch": JSON.stringify(BATCH[0]),
    "a batch of a number": "[1]",
    "a batch holding null": JSON.stringify([BATCH[0], null]),
  },
  fromEnv: { env: { SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY }, now },
  insecure: { env: {}, insecureNoVerification: true },
  unconfigured: {
    "no key": { options: { env: {} }, field: "SENDGRID_WEBHOOK_PUBLIC_KEY" },
    "an RSA key in SENDGRID_WEBHOOK_PUBLIC_KEY": {
      options: {
        env: {
          SENDGRID_WEBHOOK_PUBLIC_KEY: generateKeyPairSync("rsa", { modulusLength: 1024 })
            .publicKey.export({ type: "spki", format: "der" })
            .toString("base64"),
        },
      },
      field: "SENDGRID_WEBHOOK_PUBLIC_KEY",
    },
    "a publicKey option that is not a key": {
      options: { publicKey: "MFkwEwYHKoZIzj0CAQYIKoZ" },
      field: "publicKey",
    },
    "toleranceSeconds NaN": {
      options: { publicKey: PUBLIC_KEY, env: {}, toleranceSeconds: Number.NaN },
      field: "toleranceSeconds",
      message: "the sendgrid webhook: toleranceSeconds must be a positive number of seconds",
    },
    "toleranceSeconds Infinity": {
      options: { publicKey: PUBLIC_KEY, env: {}, toleranceSeconds: Number.POSITIVE_INFINITY },
      field: "toleranceSeconds",
      message: "the sendgrid webhook: toleranceSeconds must be a positive number of seconds",
    },
    "toleranceSeconds 0": {
      options: { publicKey: PUBLIC_KEY, env: {}, toleranceSeconds: 0 },
      field: "toleranceSeconds",
      message: "the sendgrid webhook: toleranceSeconds must be a positive number of seconds",
    },
    "toleranceSeconds -300": {
      options: { publicKey: PUBLIC_KEY, env: {}, toleranceSeconds: -300 },
      field: "toleranceSeconds",
      message: "the sendgrid webhook: toleranceSeconds must be a positive number of seconds",
    },
  },
  join: {
    definition: sendgridProvider,
    config: { apiKey: "SG.join_test" },
    sendUrl: "https://api.sendgrid.com/v3/mail/send",
    success: () => HttpResponse.text("", { status: 202, headers: { "X-Message-Id": X_MESSAGE_ID } }),
    messageId: X_MESSAGE_ID,
    message: { tags: ["login"], metadata: { user_id: "42" } },
    // SendGrid echoes the categories as `category` and the custom args as fields of the event.
    echo: async (sent, receipt) => {
      const { categories, custom_args } = (await sent.json()) as {
        categories: string[];
        custom_args: Record<string, string>;
      };
      const { user_id: _, ...event } = common("delivered", { response: "250 OK" });
      const sgMessageId = `${receipt.messageId}.filterdrecv-p3las1-5bf99c48d-4rrhq-20-5D1E4F2C-28.0`;
      return raw([{ ...event, sg_message_id: sgMessageId, category: categories, ...custom_args }]);
    },
  },
  sdk: {
    entries: ["index.js", "index.cjs"].map((file) =>
      fileURLToPath(new URL(`../dist/webhooks/${file}`, import.meta.url)),
    ),
    module: "/node_modules/@sendgrid/",
  },
});

describe("sendgrid webhook: SendGrid's batches and signatures", () => {
  it("accepts a signed batch and hands over one normalized event per element, unknown kinds included", async () => {
    const received = await hook.eventsOf(raw(BATCH));
    expect(received.map((event) => [event.vendorType, event.type])).toEqual([
      ["processed", "unknown"],
      ["deferred", "deferred"],
      ["delivered", "delivered"],
      ["open", "opened"],
      ["click", "clicked"],
      ["bounce", "bounced"],
      ["bounce", "bounced"],
      ["dropped", "rejected"],
      ["spamreport", "complained"],
      ["unsubscribe", "unsubscribed"],
      ["group_unsubscribe", "unsubscribed"],
      ["group_resubscribe", "unknown"],
      ["account_status_change_notice", "unknown"],
    ]);
    expect(received[5]).toEqual({
      type: "bounced",
      provider: "sendgrid",
      messageId: X_MESSAGE_ID,
      recipient: "ann@example.com",
      timestamp: new Date(1768478390 * 1000),
      eventId: "sg_event_id_bounce",
      vendorType: "bounce",
      bounce: {
        kind: "hard",
        reason: "bounce/Invalid Address/5.1.1",
        diagnostic: "550 5.1.1 The email account that you tried to reach does not exist.",
      },
      tags: ["login"],
      metadata: { user_id: "42" },
      raw: BATCH[5],
    });
    expect(received[6]!.bounce).toEqual({
      kind: "soft",
      reason: "blocked/5.7.1",
      diagnostic: "550 5.7.1 Blocked by policy",
    });
    expect(received[4]!.url).toBe("https://posseparty.example/login/abc");
    expect(received[1]!.bounce).toEqual({ kind: "soft", diagnostic: "400 try again later" });
    expect(received[7]!.bounce).toEqual({ kind: "undetermined", reason: "Bounced Address" });
    const classified = new Set(["bounced", "deferred", "rejected"]);
    expect(received.filter((event) => event.bounce !== undefined).every((e) => classified.has(e.type))).toBe(
      true,
    );
  });

  it("verifies signatures whatever the length of their DER integers", async () => {
    const one = raw(BATCH.slice(0, 1));
    for (let i = 0; i < 100; i++)
      expect((await hook.deliver(post(one, sign(one)))).status).toBe(hook.answers.accepted);
    // r = 1 and s = 0x80…: one short integer and one with a sign byte.
    const der = Uint8Array.from([
      0x30,
      0x26,
      0x02,
      0x01,
      0x01,
      0x02,
      0x21,
      0x00,
      0x80,
      ...new Array(31).fill(0),
    ]);
    const rawSignature = derToRawSignature(der)!;
    expect(rawSignature.subarray(0, 32)).toEqual(Uint8Array.from([...new Array(31).fill(0), 1]));
    expect(rawSignature.subarray(32)).toEqual(Uint8Array.from([0x80, ...new Array(31).fill(0)]));
    expect(derToRawSignature(der.subarray(0, der.length - 1))).toBeUndefined();
  });

  it("never fails a batch for an element without a numeric timestamp: it gets the time the batch arrived", async () => {
    // A kind SendGrid may add later, shaped unlike today's events; the known events beside it must still arrive.
    const body = raw([BATCH[2], { event: "brand_new_account_event", type: "notice" }, BATCH[5]]);
    const received = await hook.eventsOf(body, { publicKey: PUBLIC_KEY, env: {}, now: () => NOW + 1000 });
    expect(received.map((event) => [event.type, event.timestamp])).toEqual([
      ["delivered", new Date(1768478390 * 1000)],
      ["unknown", new Date(NOW + 1000)],
      ["bounced", new Date(1768478390 * 1000)],
    ]);
  });

  it("accepts a post signed a day ago with toleranceSeconds: 86400 (SendGrid's retry period), and no older", async () => {
    const day = { publicKey: PUBLIC_KEY, env: {}, now, toleranceSeconds: 86_400 };
    const signedAt = (seconds: number) => post(body, sign(body, seconds));
    expect((await hook.deliver(signedAt(SECONDS - 86_400), day)).status).toBe(hook.answers.accepted);
    expect((await hook.deliver(signedAt(SECONDS - 86_401), day)).status).toBe(hook.answers.stale);
  });

  it("takes the key with PEM armour too", async () => {
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    expect((await hook.deliver(post(body, sign(body)), { publicKey: pem, now })).status).toBe(
      hook.answers.accepted,
    );
  });

  it("refuses a key that is not a P-256 public key without naming its value", () => {
    let error: unknown;
    try {
      sendgridWebhook({ publicKey: "MFkwEwYHKoZIzj0CAQYIKoZ" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", field: "publicKey" });
    expect((error as Error).message).not.toContain("MFkwEwYHKoZIzj0CAQYIKoZ");
  });
});

describe("sendgrid webhook: message ids", () => {
  it("cuts sg_message_id to the X-Message-Id of the send, in each suffix form", () => {
    expect(sendMessageId(SG_MESSAGE_ID)).toBe(X_MESSAGE_ID);
    expect(sendMessageId("yW5utel5TYuIBREiXJi7aA.recvd-5f9ffdf494-9kc6l-1-673C6EB0-B.0")).toBe(
      "yW5utel5TYuIBREiXJi7aA",
    );
    expect(sendMessageId("14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0")).toBe(
      "14c5d75ce93.dfd.64b469",
    );
    expect(sendMessageId(undefined)).toBeUndefined();
  });
});
