// Mailjet webhooks through createWebhookHandler with real Requests: Basic credentials, single (Version 1) and
// grouped (Version 2) posts, the event mapping (payloads rewritten from Mailjet's Event API guide), 64-bit
// MessageIDs kept digit for digit, and the join to send().
import { createWebhookHandler, MailError, type MailEvent } from "@posse/mail-core";
import {
  answersOf,
  type CapturedRequest,
  captureJsonRequest,
  createContractMailer,
  findSecret,
  recordConsole,
} from "@posse/mail-core/testing";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { mailjetProvider } from "../src/index.js";
import { type MailjetWebhookOptions, mailjetWebhook } from "../src/webhooks/index.js";
import { quoteBigIntegers } from "../src/webhooks/parse-exact-json.js";

const HOOK = "https://app.example/webhooks/mailjet";
const USER = "mj-hook";
const PASSWORD = "mj-hook-S3CRET-0b3e";
const TIME = 1_767_268_800; // 2026-01-01T12:00:00Z
// Above 2^53: JSON.parse would make it 1152921504606846976.
const MESSAGE_ID = "1152921504606846977";

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

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

function post(body: string, headers: Record<string, string> = { authorization: basic(USER, PASSWORD) }) {
  return new Request(HOOK, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });
}

function handlerFor(
  options: MailjetWebhookOptions = { env: {}, basic: { username: USER, password: PASSWORD } },
) {
  const received: MailEvent[][] = [];
  const handler = createWebhookHandler(mailjetWebhook({ now: () => 5_000, ...options }), {
    onEvents: (events) => {
      received.push([...events]);
    },
  });
  return { handler, received };
}

async function eventsOf(body: string): Promise<MailEvent[]> {
  const { handler, received } = handlerFor();
  const response = await handler(post(body));
  expect(response.status).toBe(204);
  return received[0]!;
}

describe("mailjet webhook: mapping", () => {
  it("maps a sent event (accepted by the receiving server) to delivered, with the exact 64-bit MessageID", async () => {
    const [event] = await eventsOf(record("sent", { mj_message_id: MESSAGE_ID, smtp_reply: "250 2.0.0 OK" }));
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
    const [event] = await eventsOf(
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
    const events = await eventsOf(grouped);
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
    const events = await eventsOf(`[${ids.map((id) => record("open", {}, id)).join(",\r\n")}]`);
    expect(events.map((event) => event.messageId)).toEqual(ids);
    expect(events.map((event) => (event.raw as { MessageID: string }).MessageID)).toEqual(ids);
  });

  it("reads a safe-integer MessageID, and mj_message_id when MessageID is missing", async () => {
    expect((await eventsOf(record("open", {}, "42")))[0]!.messageId).toBe("42");
    const legacy = JSON.stringify({ event: "sent", time: TIME, email: "a@b.c", mj_message_id: MESSAGE_ID });
    expect((await eventsOf(legacy))[0]!.messageId).toBe(MESSAGE_ID);
  });

  it("gives no metadata for a Payload that is not JSON, and the receipt time without a time", async () => {
    const [event] = await eventsOf(JSON.stringify({ event: "open", Payload: "plain text" }));
    expect(event).toMatchObject({ metadata: {}, tags: [], timestamp: new Date(5_000), messageId: undefined });
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

describe("mailjet webhook: refusals", () => {
  it.each([
    ["no credentials", {}],
    ["a wrong password", { authorization: basic(USER, "mj-hook-S3CRET-0b3f") }],
    ["a bearer token", { authorization: `Bearer ${PASSWORD}` }],
  ])("answers 401 with a Basic challenge to %s, naming no secret", async (_, headers) => {
    const { handler, received } = handlerFor();
    const response = await handler(post(record("sent"), headers));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Basic /);
    expect(findSecret(await response.text(), [PASSWORD])).toBeUndefined();
    expect(received).toEqual([]);
  });

  it("reads the credentials from MAILJET_WEBHOOK_USERNAME and MAILJET_WEBHOOK_PASSWORD", async () => {
    const { handler } = handlerFor({
      env: { MAILJET_WEBHOOK_USERNAME: USER, MAILJET_WEBHOOK_PASSWORD: PASSWORD },
    });
    expect((await handler(post(record("sent")))).status).toBe(204);
  });

  it("accepts a secret query parameter of the registered URL when configured in code", async () => {
    const { handler } = handlerFor({ env: {}, query: { name: "key", value: PASSWORD } });
    const request = (key: string) =>
      new Request(`${HOOK}?key=${key}`, {
        method: "POST",
        body: record("sent"),
        headers: { "content-type": "application/json" },
      });
    expect((await handler(request(PASSWORD))).status).toBe(204);
    expect((await handler(request("wrong"))).status).toBe(401);
  });

  it.each([
    ["not JSON", "event=sent"],
    ["an array holding a non-object", `[${record("sent")},null]`],
    ["a number", MESSAGE_ID],
  ])("answers 400 to a body that is %s", async (_, body) => {
    const { handler, received } = handlerFor();
    expect((await handler(post(body))).status).toBe(400);
    expect(received).toEqual([]);
  });

  it("answers 413 to a grouped post over the limit", async () => {
    const handler = createWebhookHandler(
      mailjetWebhook({ env: {}, basic: { username: USER, password: PASSWORD } }),
      {
        onEvents: () => {},
        maxBodyBytes: 2048,
      },
    );
    const body = `[${Array.from({ length: 20 }, () => record("open")).join(",")}]`;
    expect((await handler(post(body))).status).toBe(413);
  });

  it("refuses to start without credentials: CONFIG naming the variables (a token variable is not one)", () => {
    expect(() => mailjetWebhook({ env: { MAILJET_WEBHOOK_TOKEN: "t" } })).toThrow(
      expect.objectContaining({
        code: "CONFIG",
        provider: "mailjet",
        field: "MAILJET_WEBHOOK_USERNAME/MAILJET_WEBHOOK_PASSWORD",
      }),
    );
    expect(() => mailjetWebhook({ env: { MAILJET_WEBHOOK_USERNAME: USER } })).toThrow(
      expect.objectContaining({ code: "CONFIG", field: "MAILJET_WEBHOOK_PASSWORD" }),
    );
    expect(() => mailjetWebhook({ env: {} })).toThrow(MailError);
  });

  it("accepts unverified posts only when opted out explicitly, and warns once", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { handler, received } = handlerFor({ env: {}, insecureNoVerification: true });
    mailjetWebhook({ env: {}, insecureNoVerification: true });
    // Warned when the first was created, not again for the second, nor below for a request.
    expect(warn).toHaveBeenCalledTimes(1);
    expect((await handler(post(record("sent"), {}))).status).toBe(204);
    expect(received).toHaveLength(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain("mailjet webhook VERIFIES NOTHING");
    warn.mockRestore();
  });
});

describe("mailjet webhook: the event joins what send() returned", () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it("carries the send's 64-bit MessageID, CustomCampaign (the tag) and EventPayload (the metadata) back", async () => {
    const captured: CapturedRequest[] = [];
    server.use(
      http.post("https://api.mailjet.com/v3.1/send", async ({ request }) => {
        captured.push(await captureJsonRequest(request));
        return new HttpResponse(
          `{"Messages":[{"Status":"success","CustomID":"","To":[{"Email":"ann@example.com","MessageUUID":"1ab23cd4-e567-8901-2345-6789f0gh1i2j","MessageID":${MESSAGE_ID},"MessageHref":"https://api.mailjet.com/v3/REST/message/${MESSAGE_ID}"}],"Cc":[],"Bcc":[]}]}`,
          { headers: { "content-type": "application/json" } },
        );
      }),
    );
    const mailer = await createContractMailer(mailjetProvider, {
      apiKey: "mj-join",
      apiSecret: "mj-join-secret",
    });
    const receipt = await mailer.send({
      to: "ann@example.com",
      subject: "Hi",
      text: "Hi",
      tags: ["login"],
      metadata: { user_id: "42", plan: "pro" },
    });
    const sent = (captured[0]!.body as { Messages: { CustomCampaign: string; EventPayload: string }[] })
      .Messages[0]!;
    // Mailjet echoes CustomCampaign as customcampaign and EventPayload as Payload, and MessageID as a bare number.
    const [event] = await eventsOf(
      record(
        "sent",
        { email: "ann@example.com", customcampaign: sent.CustomCampaign, Payload: sent.EventPayload },
        receipt.messageId,
      ),
    );
    expect(receipt.messageId).toBe(MESSAGE_ID);
    expect(event!.messageId).toBe(receipt.messageId);
    expect(event!.tags).toEqual(["login"]);
    expect(event!.metadata).toEqual({ user_id: "42", plan: "pro" });
  });
});

// Mailjet signs nothing and sends no timestamp or token: a changed body with valid credentials is accepted (only
// the credentials are checked), and there is nothing to refuse a replay by (dedupe on MessageID + event + email + time).
describe("mailjet webhook: every refusal path, re-serialized bodies, and no secret anywhere", () => {
  it("parses a grouped post re-serialized by a JSON body parser as the raw one, ids from mj_message_id", async () => {
    // JSON.parse rounds a MessageID above 2^53 before the webhook sees it; mj_message_id (a string, on sent
    // events and in Mailjet's grouped samples) survives, so the id still joins send()'s.
    const raw = `[${record("sent", { mj_message_id: MESSAGE_ID, smtp_reply: "sent (250 2.0.0 OK)" })},\r\n${record(
      "brand_new_event",
      { mj_message_id: MESSAGE_ID },
    )}]`;
    const reserialized = JSON.stringify(JSON.parse(raw));
    expect(reserialized).toContain('"MessageID":1152921504606847000,');
    const fromRaw = await eventsOf(raw);
    const fromReserialized = await eventsOf(reserialized);
    expect(fromRaw.map((event) => [event.type, event.messageId])).toEqual([
      ["delivered", MESSAGE_ID],
      ["unknown", MESSAGE_ID],
    ]);
    expect(fromReserialized.map(({ raw: _, ...event }) => event)).toEqual(
      fromRaw.map(({ raw: _, ...event }) => event),
    );
  });

  it("answers 401, 400, 413 and 405 as the issue lists, with no secret in any answer and nothing logged", async () => {
    const console_ = recordConsole();
    try {
      const { handler, received } = handlerFor();
      const small = createWebhookHandler(
        mailjetWebhook({ env: {}, basic: { username: USER, password: PASSWORD } }),
        { onEvents: () => {}, maxBodyBytes: 64 },
      );
      const body = record("sent");
      const cases: [string, Promise<Response>, number][] = [
        ["valid", handler(post(body)), 204],
        ["wrong password", handler(post(body, { authorization: basic(USER, `${PASSWORD}x`) })), 401],
        ["wrong user", handler(post(body, { authorization: basic(PASSWORD, PASSWORD) })), 401],
        ["no credentials", handler(post(body, {})), 401],
        ["malformed", handler(post("[{")), 400],
        ["over the limit", small(post(body)), 413],
        ["GET", handler(new Request(HOOK, { headers: { authorization: basic(USER, PASSWORD) } })), 405],
      ];
      for await (const answer of answersOf(cases)) {
        expect({ name: answer.name, status: answer.status }).toEqual({
          name: answer.name,
          status: answer.expected,
        });
        expect(findSecret(answer.text, [PASSWORD])).toBeUndefined();
        expect(findSecret(answer.headers, [PASSWORD])).toBeUndefined();
      }
      expect(received).toHaveLength(1);
      expect(() => mailjetWebhook({ env: { MAILJET_WEBHOOK_PASSWORD: PASSWORD } })).toThrow(
        expect.objectContaining({ code: "CONFIG", field: "MAILJET_WEBHOOK_USERNAME" }),
      );
      expect(console_.calls()).toEqual([]);
    } finally {
      console_.restore();
    }
  });
});

describe("mailjet webhook: a configured secret outweighs insecureNoVerification", () => {
  it("still verifies (401 for an unsigned post) and warns nothing", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { handler } = handlerFor({
      env: {},
      basic: { username: USER, password: PASSWORD },
      insecureNoVerification: true,
    });
    const response = await handler(post(record("sent"), {}));
    expect(response.status).toBe(401);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
