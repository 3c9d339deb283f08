// Mailjet webhooks: the shared checks of @posse/mail-testkit (valid, forged, malformed, oversized, answers, secrets,
// the join to send()), then Mailjet's own: single (Version 1) and grouped (Version 2) posts (payloads rewritten
// from Mailjet's Event API guide), their mapping, 64-bit MessageIDs kept digit for digit, and a query secret.
// Mailjet signs nothing and sends no timestamp or token: a changed body with valid credentials is accepted (only
// the credentials are checked), and there is nothing to refuse a replay by (dedupe on MessageID + event + email + time).
import { fileURLToPath } from "node:url";
import { basicAuthorization as basic, describeWebhookConformance, webhookPost } from "@posse/mail-testkit";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { mailjetProvider } from "../src/index.js";
import { mailjetWebhook } from "../src/webhooks/index.js";
import { quoteBigIntegers } from "../src/webhooks/parse-exact-json.js";

const HOOK = "https://app.example/webhooks/mailjet";
const USER = "mj-hook";
const PASSWORD = "mj-hook-S3CRET-0b3e";
const TIME = 1_767_268_800; // 2026-01-01T12:00:00Z
// Above 2^53: JSON.parse would make it 1152921504606846976.
const MESSAGE_ID = "1152921504606846977";
const now = () => 5_000;

/** One event as Mailjet posts it, as raw JSON text: MessageID is a bare number literal. */
function record(event: string, extra: Record<string, unknown> = {}, messageId = MESSAGE_ID): string {
  const fields = JSON.stringify({
    event,
    time: TIME,
    email: "api@mailjet.com",
    mj_campaign_id: 7257,
    mj_contact_id: 4,
    customcampaign: "login",
    CustomID: "helloworld",
    Payload: '{"user_id":"42"}',
    ...extra,
  });
  return `{"MessageID":${messageId},"Message_GUID":"1ab23cd4-e567-8901-2345-6789f0gh1i2j",${fields.slice(1)}`;
}

const post = (
  body: string | Uint8Array,
  headers: Record<string, string> = { authorization: basic(USER, PASSWORD) },
) => webhookPost(HOOK, body, headers);

const sent = record("sent");
const NO_CREDENTIALS = "MAILJET_WEBHOOK_USERNAME/MAILJET_WEBHOOK_PASSWORD";

const hook = describeWebhookConformance({
  provider: "mailjet",
  webhook: mailjetWebhook,
  options: { env: {}, basic: { username: USER, password: PASSWORD }, now },
  // Mailjet: "It must return a 200 Ok HTTP code … Any other HTTP code will result in our server retrying".
  answers: { accepted: 200, failed: 503 },
  secrets: [PASSWORD],
  sample: sent,
  body: (text: string) => text,
  post: (body) => post(body),
  unsigned: (text) => post(text, {}),
  forged: {
    "no credentials": () => post(sent, {}),
    "a wrong password": () => post(sent, { authorization: basic(USER, "mj-hook-S3CRET-0b3f") }),
    "the password and one more character": () => post(sent, { authorization: basic(USER, `${PASSWORD}x`) }),
    "a wrong user": () => post(sent, { authorization: basic(PASSWORD, PASSWORD) }),
    "a bearer token": () => post(sent, { authorization: `Bearer ${PASSWORD}` }),
  },
  challenge: "Basic",
  malformed: {
    "not JSON": "event=sent",
    "cut-off JSON": "[{",
    "an array holding a non-object": `[${record("sent")},null]`,
    "a number": MESSAGE_ID,
  },
  fromEnv: { env: { MAILJET_WEBHOOK_USERNAME: USER, MAILJET_WEBHOOK_PASSWORD: PASSWORD }, now },
  insecure: { env: {}, insecureNoVerification: true, now },
  unconfigured: {
    "no credentials": { options: { env: {} }, field: NO_CREDENTIALS },
    "only a token variable (Mailjet cannot send one)": {
      options: { env: { MAILJET_WEBHOOK_TOKEN: "t" } },
      field: NO_CREDENTIALS,
    },
    "a user name without a password": {
      options: { env: { MAILJET_WEBHOOK_USERNAME: USER } },
      field: "MAILJET_WEBHOOK_PASSWORD",
    },
    "a password without a user name": {
      options: { env: { MAILJET_WEBHOOK_PASSWORD: PASSWORD } },
      field: "MAILJET_WEBHOOK_USERNAME",
    },
    "an empty Basic pair beside a query secret": {
      options: { env: {}, basic: { username: "", password: "" }, query: { name: "key", value: PASSWORD } },
      field: "basic.username",
    },
    "a user name with an empty password": {
      options: { env: {}, basic: { username: USER, password: "" } },
      field: "basic.password",
    },
  },
  join: {
    definition: mailjetProvider,
    config: { apiKey: "mj-join", apiSecret: "mj-join-secret" },
    sendUrl: "https://api.mailjet.com/v3.1/send",
    success: () =>
      new HttpResponse(
        `{"Messages":[{"Status":"success","CustomID":"","To":[{"Email":"ann@example.com","MessageUUID":"1ab23cd4-e567-8901-2345-6789f0gh1i2j","MessageID":${MESSAGE_ID},"MessageHref":"https://api.mailjet.com/v3/REST/message/${MESSAGE_ID}"}],"Cc":[],"Bcc":[]}]}`,
        { headers: { "content-type": "application/json" } },
      ),
    messageId: MESSAGE_ID,
    message: { tags: ["login"], metadata: { user_id: "42", plan: "pro" } },
    // Mailjet echoes CustomCampaign as customcampaign and EventPayload as Payload, and MessageID as a bare number.
    echo: async (request, receipt) => {
      const body = (await request.json()) as { Messages: { CustomCampaign: string; EventPayload: string }[] };
      const { CustomCampaign, EventPayload } = body.Messages[0]!;
      return record(
        "sent",
        { email: "ann@example.com", customcampaign: CustomCampaign, Payload: EventPayload },
        receipt.messageId,
      );
    },
  },
  sdk: {
    entries: ["index.js", "index.cjs"].map((file) =>
      fileURLToPath(new URL(`../dist/webhooks/${file}`, import.meta.url)),
    ),
    module: "/node_modules/node-mailjet/",
  },
});

describe("mailjet webhook: mapping", () => {
  it("maps a sent event (accepted by the receiving server) to delivered, with the exact 64-bit MessageID", async () => {
    const [event] = await hook.eventsOf(
      record("sent", { mj_message_id: MESSAGE_ID, smtp_reply: "250 2.0.0 OK" }),
    );
    expect(event).toEqual({
      type: "delivered",
      provider: "mailjet",
      messageId: MESSAGE_ID,
      recipient: "api@mailjet.com",
      timestamp: new Date(TIME * 1000),
      vendorType: "sent",
      tags: ["login"],
      metadata: { user_id: "42" },
      raw: expect.objectContaining({ MessageID: MESSAGE_ID, event: "sent", mj_campaign_id: 7257 }),
    });
  });

  it.each([
    [{ hard_bounce: true, error: "user unknown" }, "bounced", "hard", "recipient: user unknown"],
    [{ hard_bounce: false, error: "quota exceeded" }, "bounced", "soft", "recipient: quota exceeded"],
    [{ hard_bounce: false, error: "greylisted" }, "deferred", "soft", "recipient: greylisted"],
  ])("maps a bounce %o to %s/%s", async (fields, type, kind, reason) => {
    const [event] = await hook.eventsOf(
      record("bounce", {
        blocked: false,
        error_related_to: "recipient",
        comment: "host said: 550 5.1.1 unknown",
        ...fields,
      }),
    );
    expect(event!.type).toBe(type);
    expect(event!.bounce).toEqual({ kind, reason, diagnostic: "host said: 550 5.1.1 unknown" });
  });

  it("maps blocked, spam, unsub, open and click (with its url); anything else is unknown", async () => {
    const grouped = `[${[
      record("blocked", { error_related_to: "recipient", error: "user unknown" }),
      record("spam", { source: "JMRPP" }),
      record("unsub", { mj_list_id: 1, ip: "127.0.0.1", geo: "FR", agent: "Mozilla" }),
      record("open", { ip: "127.0.0.1", geo: "US", agent: "Mozilla" }),
      record("click", {
        url: "https://www.mailjet.com/?a=1&b=2",
        ip: "127.0.0.1",
        geo: "FR",
        agent: "Mozilla",
      }),
      record("brand_new"),
    ].join(",")}]`;
    const events = await hook.eventsOf(grouped);
    expect(events.map((event) => event.type)).toEqual([
      "rejected",
      "complained",
      "unsubscribed",
      "opened",
      "clicked",
      "unknown",
    ]);
    expect(events[0]!.bounce).toEqual({ kind: "undetermined", reason: "recipient: user unknown" });
    expect(events[4]!.url).toBe("https://www.mailjet.com/?a=1&b=2");
    expect(events[5]!.vendorType).toBe("brand_new");
  });

  it("keeps each 64-bit id of a grouped (Version 2) post exact, in order", async () => {
    const ids = ["288230376151711745", "9223372036854775807", "19421777835146490"];
    const events = await hook.eventsOf(`[${ids.map((id) => record("open", {}, id)).join(",\r\n")}]`);
    expect(events.map((event) => event.messageId)).toEqual(ids);
    expect(events.map((event) => (event.raw as { MessageID: string }).MessageID)).toEqual(ids);
  });

  it("reads a safe-integer MessageID, and mj_message_id when MessageID is missing", async () => {
    expect((await hook.eventsOf(record("open", {}, "42")))[0]!.messageId).toBe("42");
    const legacy = JSON.stringify({ event: "sent", time: TIME, email: "a@b.c", mj_message_id: MESSAGE_ID });
    expect((await hook.eventsOf(legacy))[0]!.messageId).toBe(MESSAGE_ID);
  });

  it("gives no metadata for a Payload that is not JSON, and the receipt time without a time", async () => {
    const [event] = await hook.eventsOf(JSON.stringify({ event: "open", Payload: "plain text" }));
    expect(event).toMatchObject({ metadata: {}, tags: [], timestamp: new Date(5_000), messageId: undefined });
  });

  it("parses a grouped post re-serialized by a JSON body parser as the raw one, ids from mj_message_id", async () => {
    // JSON.parse rounds a MessageID above 2^53 before the webhook sees it; mj_message_id (a string, on sent
    // events and in Mailjet's grouped samples) survives, so the id still joins send()'s.
    const raw = `[${record("sent", { mj_message_id: MESSAGE_ID, smtp_reply: "sent (250 2.0.0 OK)" })},\r\n${record(
      "brand_new_event",
      { mj_message_id: MESSAGE_ID },
    )}]`;
    const reserialized = JSON.stringify(JSON.parse(raw));
    expect(reserialized).toContain('"MessageID":1152921504606847000,');
    const fromRaw = await hook.eventsOf(raw);
    const fromReserialized = await hook.eventsOf(reserialized);
    expect(fromRaw.map((event) => [event.type, event.messageId])).toEqual([
      ["delivered", MESSAGE_ID],
      ["unknown", MESSAGE_ID],
    ]);
    expect(fromReserialized.map(({ raw: _, ...event }) => event)).toEqual(
      fromRaw.map(({ raw: _, ...event }) => event),
    );
  });
});

describe("quoteBigIntegers", () => {
  it("quotes only integers beyond 2^53 outside strings, and leaves the rest byte for byte", () => {
    const text =
      '{"a":9007199254740993,"b":9007199254740991,"c":-9007199254740993,"d":1.5e300,"e":"x\\"9007199254740993","f":[12345678901234567890]}';
    expect(quoteBigIntegers(text)).toBe(
      '{"a":"9007199254740993","b":9007199254740991,"c":"-9007199254740993","d":1.5e300,"e":"x\\"9007199254740993","f":["12345678901234567890"]}',
    );
  });
});

describe("mailjet webhook: a secret query parameter", () => {
  it("is accepted when configured in code", async () => {
    const endpoint = hook.endpoint({ env: {}, query: { name: "key", value: PASSWORD } });
    const request = (key: string) =>
      new Request(`${HOOK}?key=${key}`, {
        method: "POST",
        body: sent,
        headers: { "content-type": "application/json" },
      });
    expect((await endpoint.post(request(PASSWORD))).status).toBe(hook.answers.accepted);
    expect((await endpoint.post(request("wrong"))).status).toBe(401);
  });
});
