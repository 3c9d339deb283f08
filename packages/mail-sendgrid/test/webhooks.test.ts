// SendGrid webhooks: a P-256 key pair made for the test signs bodies with node:crypto by the documented
// algorithm (ECDSA SHA-256 over timestamp + raw body, DER signature); real Requests go through the core's
// handler. The events are SendGrid's documented samples, rewritten as fixtures.
import { sign as ecdsaSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createWebhookHandler, MailError, type MailEvent } from "@posse/mail-core";
import {
  answersOf,
  createContractMailer,
  findSecret,
  minimalMessage,
  recordConsole,
  sdkLoadReport,
} from "@posse/mail-core/testing";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { sendgridProvider } from "../src/index.js";
import { type SendgridWebhookOptions, sendgridWebhook } from "../src/webhooks/index.js";
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

function sign(body: string, timestamp = SECONDS, key: KeyObject = privateKey): Record<string, string> {
  const signature = ecdsaSign("sha256", Buffer.from(`${timestamp}${body}`), key).toString("base64");
  return {
    "x-twilio-email-event-webhook-signature": signature,
    "x-twilio-email-event-webhook-timestamp": String(timestamp),
  };
}

function post(body: string, headers: Record<string, string>) {
  return new Request(URL_, {
    method: "POST",
    body,
    headers: { "content-type": "application/json;charset=utf-8", ...headers },
  });
}

async function deliver(request: Request, options: SendgridWebhookOptions = {}) {
  const received: MailEvent[] = [];
  const handler = createWebhookHandler(
    sendgridWebhook({ publicKey: PUBLIC_KEY, now: () => NOW, ...options }),
    {
      onEvents: (events) => {
        received.push(...events);
      },
    },
  );
  const response = await handler(request);
  return { status: response.status, text: await response.text(), received };
}

describe("sendgrid webhook: verification", () => {
  it("accepts a signed batch and hands over one normalized event per element, unknown kinds included", async () => {
    const body = raw(BATCH);
    const { status, received } = await deliver(post(body, sign(body)));
    expect(status).toBe(204);
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

  it("refuses a tampered body, another key's signature, and a body re-serialized instead of raw (401)", async () => {
    const body = raw(BATCH.slice(0, 3));
    const tampered = body.replace("ann@example.com", "eve@example.com");
    const reserialized = JSON.stringify(JSON.parse(body));
    for (const request of [
      post(tampered, sign(body)),
      post(body, sign(body, SECONDS, pair().privateKey)),
      post(reserialized, sign(body)),
    ]) {
      const { status, text, received } = await deliver(request);
      expect(status).toBe(401);
      expect(text).toBe("x-twilio-email-event-webhook-signature does not match the body");
      expect(received).toEqual([]);
    }
  });

  it("refuses a signature that is not DER, and one made with the timestamp left out (401)", async () => {
    const body = raw(BATCH.slice(0, 1));
    const headers = sign(body);
    const notDer = {
      ...headers,
      "x-twilio-email-event-webhook-signature": Buffer.alloc(64, 7).toString("base64"),
    };
    expect((await deliver(post(body, notDer))).status).toBe(401);
    const bodyOnly = ecdsaSign("sha256", Buffer.from(body), privateKey).toString("base64");
    const withoutTimestamp = { ...headers, "x-twilio-email-event-webhook-signature": bodyOnly };
    expect((await deliver(post(body, withoutTimestamp))).status).toBe(401);
  });

  it.each(["x-twilio-email-event-webhook-signature", "x-twilio-email-event-webhook-timestamp"])(
    "refuses a request without %s (401)",
    async (name) => {
      const body = raw(BATCH.slice(0, 1));
      const headers = sign(body);
      delete headers[name];
      const { status, text } = await deliver(post(body, headers));
      expect(status).toBe(401);
      expect(text).toBe(`missing ${name} header`);
    },
  );

  it("refuses a timestamp more than 600 s away (403), and accepts one within", async () => {
    const body = raw(BATCH.slice(0, 1));
    for (const offset of [-601, 601]) {
      const { status, text } = await deliver(post(body, sign(body, SECONDS + offset)));
      expect(status).toBe(403);
      expect(text).toBe("the webhook timestamp is more than 600 s from now");
    }
    expect((await deliver(post(body, sign(body, SECONDS - 600)))).status).toBe(204);
    expect(
      (await deliver(post(body, sign(body, SECONDS - 86_400)), { toleranceSeconds: Infinity })).status,
    ).toBe(204);
  });

  it("verifies signatures whatever the length of their DER integers", async () => {
    const body = raw(BATCH.slice(0, 1));
    for (let i = 0; i < 100; i++) expect((await deliver(post(body, sign(body)))).status).toBe(204);
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

  it("answers 400 for a signed body that is not a batch of events", async () => {
    for (const body of ["not json", JSON.stringify(BATCH[0]), "[1]", JSON.stringify([BATCH[0], null])]) {
      const { status, received } = await deliver(post(body, sign(body)));
      expect(status).toBe(400);
      expect(received).toEqual([]);
    }
  });

  it("never fails a batch for an element without a numeric timestamp: it gets the time the batch arrived", async () => {
    // A kind SendGrid may add later, shaped unlike today's events; the known events beside it must still arrive.
    const body = raw([BATCH[2], { event: "brand_new_account_event", type: "notice" }, BATCH[5]]);
    const { status, received } = await deliver(post(body, sign(body)), { now: () => NOW + 1000 });
    expect(status).toBe(204);
    expect(received.map((event) => [event.type, event.timestamp])).toEqual([
      ["delivered", new Date(1768478390 * 1000)],
      ["unknown", new Date(NOW + 1000)],
      ["bounced", new Date(1768478390 * 1000)],
    ]);
  });
});

describe("sendgrid webhook: configuration", () => {
  afterEach(() => vi.restoreAllMocks());

  it("refuses to start without a key, naming SENDGRID_WEBHOOK_PUBLIC_KEY", () => {
    expect(() => sendgridWebhook({ env: {} })).toThrow(MailError);
    expect(() => sendgridWebhook({ env: {} })).toThrow(
      expect.objectContaining({
        code: "CONFIG",
        provider: "sendgrid",
        field: "SENDGRID_WEBHOOK_PUBLIC_KEY",
        message: expect.stringContaining("SENDGRID_WEBHOOK_PUBLIC_KEY"),
      }),
    );
  });

  it("reads the key from SENDGRID_WEBHOOK_PUBLIC_KEY, and takes it with PEM armour too", async () => {
    const body = raw(BATCH.slice(0, 1));
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    for (const definition of [
      sendgridWebhook({ env: { SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY }, now: () => NOW }),
      sendgridWebhook({ publicKey: pem, now: () => NOW }),
    ]) {
      const handler = createWebhookHandler(definition, { onEvents: () => {} });
      expect((await handler(post(body, sign(body)))).status).toBe(204);
    }
  });

  it("refuses a key that is not a P-256 public key, naming where it came from but not its value", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey;
    const rsaKey = rsa.export({ type: "spki", format: "der" }).toString("base64");
    expect(() => sendgridWebhook({ env: { SENDGRID_WEBHOOK_PUBLIC_KEY: rsaKey } })).toThrow(
      expect.objectContaining({ code: "CONFIG", field: "SENDGRID_WEBHOOK_PUBLIC_KEY" }),
    );
    try {
      sendgridWebhook({ publicKey: "MFkwEwYHKoZIzj0CAQYIKoZ" });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "CONFIG", field: "publicKey" });
      expect((error as Error).message).not.toContain("MFkwEwYHKoZIzj0CAQYIKoZ");
    }
  });

  it("with insecureNoVerification accepts unsigned events and warns once, naming the provider", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const body = raw(BATCH.slice(0, 2));
    const first = sendgridWebhook({ env: {}, insecureNoVerification: true });
    sendgridWebhook({ env: {}, insecureNoVerification: true });
    // Warned when the first was created, not again for the second, nor below for a request.
    expect(warn).toHaveBeenCalledTimes(1);
    const handler = createWebhookHandler(first, { onEvents: () => {} });
    expect((await handler(post(body, {}))).status).toBe(204);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain("sendgrid");
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

  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterAll(() => server.close());

  it("an event's messageId, categories and custom args equal what the send carried and returned", async () => {
    server.use(
      http.post("https://api.sendgrid.com/v3/mail/send", () =>
        HttpResponse.text("", { status: 202, headers: { "X-Message-Id": X_MESSAGE_ID } }),
      ),
    );
    const mailer = await createContractMailer(sendgridProvider, { apiKey: "SG.join_test" });
    const receipt = await mailer.send({ ...minimalMessage, tags: ["login"], metadata: { user_id: "42" } });
    const body = raw([common("delivered", { response: "250 OK" })]);
    const [event] = (await deliver(post(body, sign(body)))).received;
    expect(event!.messageId).toBe(receipt.messageId);
    expect(event).toMatchObject({ tags: ["login"], metadata: { user_id: "42" } });
  });
});

describe.each(["index.js", "index.cjs"])("dist/webhooks/%s", (file) => {
  it("loads no vendor SDK", async () => {
    const entry = fileURLToPath(new URL(`../dist/webhooks/${file}`, import.meta.url));
    const report = await sdkLoadReport({ entry });
    expect(report.afterImport.some((url) => url.includes("/dist/webhooks/"))).toBe(true);
    expect(report.afterImport.filter((url) => url.includes("/node_modules/@sendgrid/"))).toEqual([]);
  }, 30_000);
});

// Replays: SendGrid gives no nonce and documents no window (dedupe on sg_event_id); the signed timestamp's
// window is the only replay defence. The verification key is public, so the "secret" an answer must not echo
// is the signature (and, for good measure, the key).
describe("sendgrid webhook: every refusal path, and nothing echoed or logged", () => {
  it("answers 401, 403, 400, 413 and 405 as the issue lists, echoing no signature or key, and logs nothing", async () => {
    const console_ = recordConsole();
    try {
      const body = raw(BATCH.slice(0, 3));
      const headers = sign(body);
      const secrets = [headers["x-twilio-email-event-webhook-signature"]!, PUBLIC_KEY];
      const received: MailEvent[] = [];
      const options = { publicKey: PUBLIC_KEY, now: () => NOW, env: {} };
      const handler = createWebhookHandler(sendgridWebhook(options), {
        onEvents: (events) => void received.push(...events),
      });
      const small = createWebhookHandler(sendgridWebhook(options), { onEvents: () => {}, maxBodyBytes: 64 });
      const cases: [string, () => Promise<Response>, number][] = [
        ["valid", () => handler(post(body, headers)), 204],
        ["tampered", () => handler(post(body.replace("ann@", "eve@"), headers)), 401],
        ["re-serialized", () => handler(post(JSON.stringify(JSON.parse(body)), headers)), 401],
        ["wrong key", () => handler(post(body, sign(body, SECONDS, pair().privateKey))), 401],
        ["stale", () => handler(post(body, sign(body, SECONDS - 601))), 403],
        ["malformed", () => handler(post("[{", sign("[{"))), 400],
        ["over the limit", () => small(post(body, headers)), 413],
        ["GET", () => handler(new Request(URL_, { headers })), 405],
      ];
      for await (const answer of answersOf(cases)) {
        expect({ name: answer.name, status: answer.status }).toEqual({
          name: answer.name,
          status: answer.expected,
        });
        expect(findSecret(answer.text, secrets)).toBeUndefined();
        expect(findSecret(answer.headers, secrets)).toBeUndefined();
      }
      expect(received.map((event) => event.type)).toEqual(["unknown", "deferred", "delivered"]);
      expect(console_.calls()).toEqual([]);
    } finally {
      console_.restore();
    }
  });
});

describe("sendgrid webhook: a configured secret outweighs insecureNoVerification", () => {
  it("still verifies (401 for an unsigned post) and warns nothing", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const body = raw(BATCH.slice(0, 1));
    const response = await deliver(post(body, {}), { insecureNoVerification: true });
    expect(response.status).toBe(401);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
