// Brevo webhooks: the shared checks of @posse/mail-testkit (valid, forged, malformed, oversized, answers, secrets,
// the join to send()), then Brevo's own: its payloads (rewritten from Brevo's transactional webhook docs), single
// and batched, and their mapping.
// Brevo signs nothing and sends no timestamp or token: a changed body with a valid token is accepted (only the
// secret is checked), and there is nothing to refuse a replay by (dedupe on message-id + event + email + ts_epoch).
import { fileURLToPath } from "node:url";
import { basicAuthorization as basic, describeWebhookConformance, webhookPost } from "@posse/mail-testkit";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { brevoProvider } from "../src/index.js";
import { type BrevoWebhookOptions, brevoWebhook } from "../src/webhooks/index.js";

const HOOK = "https://app.example/webhooks/brevo";
const TOKEN = "brevo-hook-S3CRET-31d7";
const USER = "brevo-hook";
const PASSWORD = "brevo-pass-S3CRET-62e1";
const MESSAGE_ID = "<202601011200.12345678901@smtp-relay.mailin.fr>";
const TS = Date.UTC(2026, 0, 1, 12, 0, 0);
const now = () => TS + 999_000;

function record(event: string, overrides: Record<string, unknown> = {}) {
  return {
    event,
    email: "example@domain.com",
    id: 26224, // the webhook's id, not the event's
    date: "2026-01-01 13:00:00",
    ts: TS / 1000,
    "message-id": MESSAGE_ID,
    ts_event: TS / 1000,
    subject: "Subject Line",
    "X-Mailin-custom": '{"user_id":"42"}',
    sending_ip: "185.41.28.109",
    ts_epoch: TS + 123,
    tags: ["transac_messages"],
    ...overrides,
  };
}

const text = (body: unknown) => (typeof body === "string" ? body : JSON.stringify(body));

const post = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
  webhookPost(HOOK, text(body), headers);

const delivered = text(record("delivered"));

const hook = describeWebhookConformance({
  provider: "brevo",
  webhook: brevoWebhook,
  options: { env: {}, bearer: TOKEN, now },
  // Brevo: "4xx response codes, except for 429, and any 5xx response code stop all retry attempts and discard the webhook".
  answers: { accepted: 200, failed: 429 },
  secrets: [TOKEN, PASSWORD],
  sample: record("delivered"),
  body: text,
  post: (body) => post(body),
  unsigned: (payload) => post(payload, {}),
  forged: {
    "no Authorization": () => post(delivered, {}),
    "a wrong token": () => post(delivered, { authorization: "Bearer brevo-hook-S3CRET-31d8" }),
    "another secret as the token": () => post(delivered, { authorization: `Bearer ${PASSWORD}x` }),
    "Basic credentials when a token is configured": () =>
      post(delivered, { authorization: basic(USER, PASSWORD) }),
  },
  malformed: {
    "not JSON": "event=delivered",
    "cut-off JSON": "[{",
    "an array holding a non-object": JSON.stringify([record("delivered"), 7]),
    "a string": '"delivered"',
  },
  fromEnv: { env: { BREVO_WEBHOOK_TOKEN: TOKEN }, now },
  insecure: { env: {}, insecureNoVerification: true, now },
  unconfigured: {
    "no secret": {
      options: { env: {} },
      field: "BREVO_WEBHOOK_USERNAME/BREVO_WEBHOOK_PASSWORD",
      message: "BREVO_WEBHOOK_USERNAME/BREVO_WEBHOOK_PASSWORD or BREVO_WEBHOOK_TOKEN",
    },
    "a password without a user name": {
      options: { env: { BREVO_WEBHOOK_PASSWORD: PASSWORD } },
      field: "BREVO_WEBHOOK_USERNAME",
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
    definition: brevoProvider,
    config: { apiKey: "xkeysib-join" },
    sendUrl: "https://api.brevo.com/v3/smtp/email",
    success: () => HttpResponse.json({ messageId: MESSAGE_ID }, { status: 201 }),
    messageId: MESSAGE_ID,
    message: { tags: ["login", "eu"], metadata: { user_id: "42", plan: "pro" } },
    // Brevo echoes the tags and the X-Mailin-custom header it was sent in every event about the message.
    echo: async (sent, receipt) => {
      const body = (await sent.json()) as { tags: string[]; headers: Record<string, string> };
      return record("delivered", {
        "message-id": receipt.messageId,
        email: "ann@example.com",
        tags: body.tags,
        "X-Mailin-custom": body.headers["X-Mailin-custom"],
      });
    },
  },
  sdk: {
    entries: ["index.js", "index.cjs"].map((file) =>
      fileURLToPath(new URL(`../dist/webhooks/${file}`, import.meta.url)),
    ),
    module: "/node_modules/@getbrevo/brevo/",
  },
});

describe("brevo webhook: mapping", () => {
  it("maps a delivered record with the send's messageId, tags, X-Mailin-custom metadata and ts_epoch", async () => {
    const delivered = record("delivered");
    expect(await hook.eventsOf(delivered)).toEqual([
      {
        type: "delivered",
        provider: "brevo",
        messageId: MESSAGE_ID,
        recipient: "example@domain.com",
        timestamp: new Date(TS + 123),
        vendorType: "delivered",
        tags: ["transac_messages"],
        metadata: { user_id: "42" },
        raw: delivered,
      },
    ]);
  });

  it.each([
    ["hard_bounce", "bounced", "hard"],
    ["soft_bounce", "bounced", "soft"],
    // Brevo is still trying: soft, with the receiver's reason, as the other vendors' deferred events are.
    ["deferred", "deferred", "soft"],
    ["blocked", "rejected", "undetermined"],
    ["invalid_email", "rejected", "undetermined"],
    ["error", "rejected", "undetermined"],
  ])("maps %s to %s with its reason", async (event, type, kind) => {
    const [mapped] = await hook.eventsOf(record(event, { reason: "550 5.1.1 user unknown" }));
    expect(mapped!.type).toBe(type);
    expect(mapped!.bounce).toEqual({ kind, reason: event, diagnostic: "550 5.1.1 user unknown" });
  });

  it.each([
    ["spam", "complained"],
    ["complaint", "complained"],
    ["opened", "opened"],
    ["unique_opened", "opened"],
    ["proxy_open", "opened"],
    ["unique_proxy_open", "opened"],
    ["unsubscribed", "unsubscribed"],
    ["unsubscribe", "unsubscribed"],
    ["request", "unknown"],
    ["something_new", "unknown"],
  ])("maps %s to %s", async (event, type) => {
    const [mapped] = await hook.eventsOf(record(event));
    expect(mapped).toMatchObject({ type, vendorType: event });
  });

  it("maps a click with its link", async () => {
    const [mapped] = await hook.eventsOf(record("click", { link: "https://example.com/a?b=1" }));
    expect(mapped).toMatchObject({ type: "clicked", url: "https://example.com/a?b=1" });
  });

  it("hands over a batch mixing known and unknown events, one event per record, in order", async () => {
    const events = await hook.eventsOf([
      record("delivered"),
      record("brand_new_event"),
      record("hard_bounce"),
    ]);
    expect(events.map((event) => event.type)).toEqual(["delivered", "unknown", "bounced"]);
  });

  it("falls back to ts_event, then the receipt time; reads a lone tag; adds brackets to a bare message-id", async () => {
    const {
      ts_epoch: _epoch,
      tags: _tags,
      ...noEpoch
    } = record("delivered", {
      tag: "single",
      "message-id": "202601011200.1@smtp-relay.mailin.fr",
    });
    const [mapped] = await hook.eventsOf(noEpoch);
    expect(mapped).toMatchObject({
      timestamp: new Date(TS),
      tags: ["single"],
      messageId: "<202601011200.1@smtp-relay.mailin.fr>",
    });
    const [bare] = await hook.eventsOf({ event: "delivered" });
    expect(bare).toMatchObject({
      timestamp: new Date(TS + 999_000),
      messageId: undefined,
      metadata: {},
      tags: [],
    });
  });

  it("parses a batch re-serialized by a body parser exactly as the raw post", async () => {
    const batch = [record("delivered"), record("brand_new_event"), record("soft_bounce", { reason: "full" })];
    const raw = JSON.stringify(batch, null, 2).replaceAll("\n", "\r\n");
    const reserialized = JSON.stringify(JSON.parse(raw));
    expect(reserialized).not.toBe(raw);
    const fromRaw = await hook.eventsOf(raw);
    expect(fromRaw.map((event) => event.type)).toEqual(["delivered", "unknown", "bounced"]);
    expect(await hook.eventsOf(reserialized)).toEqual(fromRaw);
  });
});

describe("brevo webhook: Brevo's credentials", () => {
  it("accepts the token as the bare Authorization value too", async () => {
    expect((await hook.deliver(post(delivered, { authorization: TOKEN }))).status).toBe(
      hook.answers.accepted,
    );
  });

  it("checks Basic credentials from BREVO_WEBHOOK_USERNAME/PASSWORD", async () => {
    const byBasic = hook.endpoint({
      env: { BREVO_WEBHOOK_USERNAME: USER, BREVO_WEBHOOK_PASSWORD: PASSWORD },
    });
    expect((await byBasic.post(post(delivered, { authorization: basic(USER, PASSWORD) }))).status).toBe(
      hook.answers.accepted,
    );
    expect((await byBasic.post(post(delivered, { authorization: basic(USER, TOKEN) }))).status).toBe(401);
  });

  it("with both Basic credentials and a token configured, refuses a wrong password and a wrong token (401), naming no secret", async () => {
    const both: BrevoWebhookOptions = {
      env: {},
      bearer: TOKEN,
      basic: { username: USER, password: PASSWORD },
    };
    expect((await hook.deliver(post(delivered), both)).status).toBe(hook.answers.accepted);
    for (const authorization of [basic(USER, TOKEN), `Bearer ${PASSWORD}x`]) {
      await hook.refuses(post(delivered, { authorization }), 401, both);
    }
  });
});
