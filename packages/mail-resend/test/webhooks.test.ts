// Resend webhooks: Svix signatures made here with node:crypto by the documented algorithm, posted as real
// Requests through the core's handler; Resend's documented payloads rewritten as fixtures.
import { createHmac } from "node:crypto";
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
import { resendProvider } from "../src/index.js";
import { type ResendWebhookOptions, resendWebhook } from "../src/webhooks/index.js";

const KEY = Buffer.from("posse-resend-test-signing-key-32b");
const SECRET = `whsec_${KEY.toString("base64")}`;
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const SECONDS = Math.floor(NOW / 1000);
const URL_ = "https://app.example/webhooks/resend";
const EMAIL_ID = "56761188-7520-42d8-8898-ff6fc54ce618";

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
  body: string,
  id = "msg_2mVbSp3HrrtNjvQ8yA",
  timestamp = SECONDS,
  key = KEY,
): Record<string, string> {
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { "svix-id": id, "svix-timestamp": String(timestamp), "svix-signature": `v1,${signature}` };
}

function post(body: string, headers: Record<string, string>) {
  return new Request(URL_, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });
}

async function deliver(request: Request, options: ResendWebhookOptions = {}) {
  const received: MailEvent[] = [];
  const handler = createWebhookHandler(resendWebhook({ secret: SECRET, now: () => NOW, ...options }), {
    onEvents: (events) => {
      received.push(...events);
    },
  });
  const response = await handler(request);
  return { status: response.status, text: await response.text(), received };
}

function eventOf(type: string, data: Record<string, unknown> = {}) {
  return JSON.stringify({ type, created_at: "2026-01-15T11:59:58.000Z", data: { ...BOUNCED.data, ...data } });
}

describe("resend webhook: verification", () => {
  it("accepts a signed event and hands over its normalized event", async () => {
    const body = JSON.stringify(BOUNCED, null, 2);
    const { status, received } = await deliver(post(body, sign(body)));
    expect(status).toBe(204);
    expect(received).toEqual([
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
    const body = JSON.stringify(BOUNCED);
    const headers = sign(body);
    const old = sign(body, undefined, undefined, Buffer.from("the-previous-key"))["svix-signature"];
    headers["svix-signature"] = `v1a,ignored ${old} ${headers["svix-signature"]}`;
    expect((await deliver(post(body, headers))).status).toBe(204);
  });

  it("refuses a tampered body, a wrong secret, and a body re-serialized instead of raw (401)", async () => {
    const body = JSON.stringify(BOUNCED, null, 2);
    const tampered = body.replace("ann@example.com", "eve@example.com");
    const wrongKey = sign(body, undefined, undefined, Buffer.from("not-the-endpoint-secret"));
    const reserialized = JSON.stringify(JSON.parse(body));
    for (const request of [
      post(tampered, sign(body)),
      post(body, wrongKey),
      post(reserialized, sign(body)),
    ]) {
      const { status, text, received } = await deliver(request);
      expect(status).toBe(401);
      expect(text).toBe("svix-signature does not match the body");
      expect(received).toEqual([]);
    }
  });

  it.each(["svix-id", "svix-timestamp", "svix-signature"])(
    "refuses a request without %s (401)",
    async (name) => {
      const body = JSON.stringify(BOUNCED);
      const headers = sign(body);
      delete headers[name];
      const { status, text } = await deliver(post(body, headers));
      expect(status).toBe(401);
      expect(text).toBe(`missing ${name} header`);
    },
  );

  it("refuses a timestamp more than 300 s away, past or future (403), and accepts one within", async () => {
    const body = JSON.stringify(BOUNCED);
    for (const offset of [-301, 301]) {
      const { status, text } = await deliver(post(body, sign(body, undefined, SECONDS + offset)));
      expect(status).toBe(403);
      expect(text).toBe("the webhook timestamp is more than 300 s from now");
    }
    expect((await deliver(post(body, sign(body, undefined, SECONDS - 300)))).status).toBe(204);
    const replayedLater = { toleranceSeconds: 60, now: () => NOW + 61_000 };
    expect((await deliver(post(body, sign(body)), replayedLater)).status).toBe(403);
  });

  it("answers 400 for a signed body that is not a Resend event", async () => {
    for (const body of ["not json", "[]", JSON.stringify({ type: "email.sent" })]) {
      const { status, received } = await deliver(post(body, sign(body)));
      expect(status).toBe(400);
      expect(received).toEqual([]);
    }
  });
});

describe("resend webhook: configuration", () => {
  afterEach(() => vi.restoreAllMocks());

  it("refuses to start without a secret, naming RESEND_WEBHOOK_SECRET", () => {
    const error = (() => {
      try {
        resendWebhook({ env: {} });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "resend", field: "RESEND_WEBHOOK_SECRET" });
    expect((error as Error).message).toContain("RESEND_WEBHOOK_SECRET");
  });

  it("reads the secret from RESEND_WEBHOOK_SECRET", async () => {
    const body = JSON.stringify(BOUNCED);
    const handler = createWebhookHandler(
      resendWebhook({ env: { RESEND_WEBHOOK_SECRET: SECRET }, now: () => NOW }),
      { onEvents: () => {} },
    );
    expect((await handler(post(body, sign(body)))).status).toBe(204);
  });

  it("refuses a secret that is not whsec_ + base64, naming where it came from but not its value", () => {
    const bad = "whsec_not*base64!";
    expect(() => resendWebhook({ env: { RESEND_WEBHOOK_SECRET: bad } })).toThrow(
      expect.objectContaining({ code: "CONFIG", field: "RESEND_WEBHOOK_SECRET" }),
    );
    try {
      resendWebhook({ secret: bad });
    } catch (error) {
      expect((error as MailError).field).toBe("secret");
      expect((error as Error).message).not.toContain("not*base64");
    }
  });

  it("with insecureNoVerification accepts unsigned events and warns once, naming the provider", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const body = JSON.stringify(BOUNCED);
    const first = resendWebhook({ env: {}, insecureNoVerification: true });
    resendWebhook({ env: {}, insecureNoVerification: true });
    // Warned when the first was created, not again for the second, nor below for a request.
    expect(warn).toHaveBeenCalledTimes(1);
    const handler = createWebhookHandler(first, { onEvents: () => {} });
    expect((await handler(post(body, {}))).status).toBe(204);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain("resend");
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
    const { status, received } = await deliver(post(body, sign(body)));
    expect(status).toBe(204);
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
    const [a] = (await deliver(post(soft, sign(soft)))).received;
    const [b] = (await deliver(post(suppressed, sign(suppressed)))).received;
    expect(a!.bounce).toEqual({ kind: "soft", reason: "Transient/MailboxFull", diagnostic: "452" });
    expect(b).toMatchObject({
      type: "rejected",
      vendorType: "email.bounced",
      bounce: { kind: "hard", reason: "Permanent/Suppressed", diagnostic: "x" },
    });
  });

  it("hands over contact and domain events as unknown, never refusing them", async () => {
    const body = JSON.stringify({
      type: "contact.created",
      created_at: "2026-01-15T11:59:58.000Z",
      data: { id: "e169aa45", audience_id: "78261eea", email: "steve@example.com", unsubscribed: false },
    });
    const { status, received } = await deliver(post(body, sign(body)));
    expect(status).toBe(204);
    expect(received).toMatchObject([
      { type: "unknown", vendorType: "contact.created", messageId: undefined },
    ]);
  });

  it("names no recipient when the message went to several (Resend does not say which)", async () => {
    const body = eventOf("email.delivered", { to: ["ann@example.com", "bob@example.com"] });
    const [event] = (await deliver(post(body, sign(body)))).received;
    expect(event!.recipient).toBeUndefined();
  });
});

describe("resend webhook: joins what send() returned", () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterAll(() => server.close());

  it("an event's messageId equals the messageId of the send it is about", async () => {
    server.use(http.post("https://api.resend.com/emails", () => HttpResponse.json({ id: EMAIL_ID })));
    const mailer = await createContractMailer(resendProvider, { apiKey: "re_join_test" });
    const receipt = await mailer.send({ ...minimalMessage, tags: ["login"], metadata: { user_id: "42" } });
    const body = eventOf("email.delivered", { email_id: receipt.messageId });
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
    expect(report.afterImport.filter((url) => url.includes("/node_modules/resend/"))).toEqual([]);
  }, 30_000);
});

// Replays: Svix re-sends a failed delivery with the same svix-id (new timestamp and signature), so an id cache
// would refuse the retry a 500 asked for; the 300 s window is the replay defence and svix-id the eventId to dedupe on.
describe("resend webhook: every refusal path, and no secret anywhere", () => {
  it("answers 401, 403, 400, 413 and 405 as the issue lists, with no secret in any answer and nothing logged", async () => {
    const console_ = recordConsole();
    try {
      const body = JSON.stringify(BOUNCED);
      const secrets = [SECRET, KEY.toString("base64"), sign(body)["svix-signature"]!.slice(3)];
      const received: MailEvent[] = [];
      const options = { secret: SECRET, now: () => NOW, env: {} };
      const handler = createWebhookHandler(resendWebhook(options), {
        onEvents: (events) => void received.push(...events),
      });
      const small = createWebhookHandler(resendWebhook(options), { onEvents: () => {}, maxBodyBytes: 64 });
      const unknown = JSON.stringify({ type: "email.brand_new", created_at: BOUNCED.created_at, data: {} });
      const cases: [string, () => Promise<Response>, number][] = [
        ["valid", () => handler(post(body, sign(body))), 204],
        ["unknown type", () => handler(post(unknown, sign(unknown))), 204],
        ["tampered", () => handler(post(body.replace("ann@", "eve@"), sign(body))), 401],
        ["wrong secret", () => handler(post(body, sign(body, undefined, undefined, Buffer.from("k")))), 401],
        ["stale", () => handler(post(body, sign(body, undefined, SECONDS - 301))), 403],
        ["malformed", () => handler(post("{", sign("{"))), 400],
        ["over the limit", () => small(post(body, sign(body))), 413],
        ["GET", () => handler(new Request(URL_, { headers: sign(body) })), 405],
      ];
      for await (const answer of answersOf(cases)) {
        expect({ name: answer.name, status: answer.status }).toEqual({
          name: answer.name,
          status: answer.expected,
        });
        expect(findSecret(answer.text, secrets)).toBeUndefined();
        expect(findSecret(answer.headers, secrets)).toBeUndefined();
      }
      expect(received.map((event) => event.type)).toEqual(["bounced", "unknown"]);
      expect(() => resendWebhook({ secret: "whsec_***not base64***" })).toThrow(
        expect.objectContaining({ code: "CONFIG", field: "secret" }),
      );
      expect(console_.calls()).toEqual([]);
    } finally {
      console_.restore();
    }
  });
});

describe("resend webhook: a configured secret outweighs insecureNoVerification", () => {
  it("still verifies (401 for an unsigned post) and warns nothing", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const body = JSON.stringify(BOUNCED);
    const response = await deliver(post(body, {}), { insecureNoVerification: true });
    expect(response.status).toBe(401);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
