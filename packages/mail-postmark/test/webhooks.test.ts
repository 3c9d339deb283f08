// Postmark webhooks through createWebhookHandler with real Requests: shared-secret checks, the record mapping
// (payloads rewritten from Postmark's webhook docs and postmark.js payload types), and the join to send().
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
import { postmarkProvider } from "../src/index.js";
import { postmarkWebhook } from "../src/webhooks/index.js";

const HOOK = "https://app.example/webhooks/postmark";
const USER = "pm-hook";
const PASSWORD = "pm-hook-S3CRET-77";
const TOKEN = "pm-bearer-S3CRET-88";
const SECRETS = [PASSWORD, TOKEN];
const MESSAGE_ID = "883953f4-6105-42a2-a16a-77a8eac79483";

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

function post(
  body: string | Uint8Array,
  headers: Record<string, string> = { authorization: basic(USER, PASSWORD) },
) {
  return new Request(HOOK, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });
}

function handlerFor(
  options: Parameters<typeof postmarkWebhook>[0] = { env: {}, basic: { username: USER, password: PASSWORD } },
) {
  const received: MailEvent[][] = [];
  const handler = createWebhookHandler(postmarkWebhook({ now: () => Date.UTC(2026, 0, 2), ...options }), {
    onEvents: (events) => {
      received.push([...events]);
    },
  });
  return { handler, received };
}

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

async function eventOf(record: unknown): Promise<MailEvent> {
  const { handler, received } = handlerFor();
  const response = await handler(post(JSON.stringify(record)));
  expect(response.status).toBe(204);
  expect(received).toHaveLength(1);
  expect(received[0]).toHaveLength(1);
  return received[0]![0]!;
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

  it("hands over a record of an unknown RecordType as unknown with 204, with the receipt time when it has none", async () => {
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
});

describe("postmark webhook: refusals", () => {
  it.each([
    ["no credentials", {}],
    ["a wrong password", { authorization: basic(USER, "pm-hook-S3CRET-78") }],
    ["a wrong user", { authorization: basic("other", PASSWORD) }],
  ])("answers 401 with a Basic challenge to %s, handing nothing over", async (_, headers) => {
    const { handler, received } = handlerFor();
    const response = await handler(post(JSON.stringify(delivery), headers));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Basic /);
    expect(findSecret(await response.text(), SECRETS)).toBeUndefined();
    expect(received).toEqual([]);
  });

  it.each([
    ["not JSON", "{RecordType:"],
    ["an array", JSON.stringify([delivery])],
    ["an object without RecordType", JSON.stringify({ MessageID: MESSAGE_ID })],
    ["not UTF-8", new Uint8Array([0x7b, 0xff, 0x7d])],
  ])("answers 400 to a body that is %s", async (_, body) => {
    const { handler, received } = handlerFor();
    expect((await handler(post(body))).status).toBe(400);
    expect(received).toEqual([]);
  });

  it("answers 413 to a body over the limit", async () => {
    const handler = createWebhookHandler(postmarkWebhook({ env: {}, bearer: TOKEN }), {
      onEvents: () => {},
      maxBodyBytes: 1024,
    });
    const big = JSON.stringify({ ...delivery, Details: "x".repeat(2000) });
    expect((await handler(post(big, { authorization: `Bearer ${TOKEN}` }))).status).toBe(413);
  });

  it("accepts a token Postmark sends in a custom Authorization header, read from POSTMARK_WEBHOOK_TOKEN", async () => {
    const { handler, received } = handlerFor({ env: { POSTMARK_WEBHOOK_TOKEN: TOKEN } });
    expect((await handler(post(JSON.stringify(delivery), { authorization: `Bearer ${TOKEN}` }))).status).toBe(
      204,
    );
    expect((await handler(post(JSON.stringify(delivery), { authorization: "Bearer nope" }))).status).toBe(
      401,
    );
    expect(received).toHaveLength(1);
  });

  it("reads Basic credentials from POSTMARK_WEBHOOK_USERNAME and POSTMARK_WEBHOOK_PASSWORD", async () => {
    const { handler } = handlerFor({
      env: { POSTMARK_WEBHOOK_USERNAME: USER, POSTMARK_WEBHOOK_PASSWORD: PASSWORD },
    });
    expect((await handler(post(JSON.stringify(delivery)))).status).toBe(204);
  });

  it("refuses to start without a secret: CONFIG naming the variables", () => {
    let error: unknown;
    try {
      postmarkWebhook({ env: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "postmark" });
    expect((error as MailError).message).toContain(
      "POSTMARK_WEBHOOK_USERNAME/POSTMARK_WEBHOOK_PASSWORD or POSTMARK_WEBHOOK_TOKEN",
    );
  });

  it("accepts unverified requests only when opted out explicitly, and warns once", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { handler, received } = handlerFor({ env: {}, insecureNoVerification: true });
    postmarkWebhook({ env: {}, insecureNoVerification: true });
    // Warned when the first was created, not again for the second, nor below for a request.
    expect(warn).toHaveBeenCalledTimes(1);
    expect((await handler(post(JSON.stringify(delivery), {}))).status).toBe(204);
    expect(received).toHaveLength(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain("postmark webhook VERIFIES NOTHING");
    warn.mockRestore();
  });
});

describe("postmark webhook: the event joins what send() returned", () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it("carries the send's MessageID, tag and metadata back", async () => {
    const captured: CapturedRequest[] = [];
    server.use(
      http.post("https://api.postmarkapp.com/email", async ({ request }) => {
        captured.push(await captureJsonRequest(request));
        return HttpResponse.json({
          To: "ann@example.com",
          SubmittedAt: "2026-01-01T00:00:00Z",
          MessageID: MESSAGE_ID,
          ErrorCode: 0,
          Message: "OK",
        });
      }),
    );
    const mailer = await createContractMailer(postmarkProvider, { serverToken: "pm-join-token" });
    const receipt = await mailer.send({
      to: "ann@example.com",
      subject: "Hi",
      text: "Hi",
      tags: ["login"],
      metadata: { user_id: "42", plan: "pro" },
    });
    const sent = captured[0]!.body as { Tag: string; Metadata: Record<string, string> };
    // Postmark echoes the Tag and Metadata it was sent in every record about the message.
    const event = await eventOf({
      ...delivery,
      MessageID: receipt.messageId,
      Recipient: "ann@example.com",
      Tag: sent.Tag,
      Metadata: sent.Metadata,
    });
    expect(event.messageId).toBe(receipt.messageId);
    expect(event.tags).toEqual(["login"]);
    expect(event.metadata).toEqual({ user_id: "42", plan: "pro" });
  });
});

// Postmark signs nothing and sends no timestamp or token: a changed body with valid credentials is accepted
// (only the credentials are checked), and there is nothing to refuse a replay by (dedupe on eventId/MessageID).
describe("postmark webhook: every refusal path, re-serialized bodies, and no secret anywhere", () => {
  it("parses a record re-serialized by a body parser exactly as the raw post", async () => {
    const raw = JSON.stringify(bounce("HardBounce", 1), null, 2).replaceAll("\n", "\r\n");
    const reserialized = JSON.stringify(JSON.parse(raw));
    expect(reserialized).not.toBe(raw);
    const { handler, received } = handlerFor();
    expect((await handler(post(raw))).status).toBe(204);
    expect((await handler(post(reserialized))).status).toBe(204);
    expect(received[1]).toEqual(received[0]);
  });

  it("answers 401, 400, 413 and 405 as the issue lists, with no secret in any answer and nothing logged", async () => {
    const console_ = recordConsole();
    try {
      const { handler, received } = handlerFor({
        env: {},
        basic: { username: USER, password: PASSWORD },
        bearer: TOKEN,
      });
      const small = createWebhookHandler(postmarkWebhook({ env: {}, bearer: TOKEN }), {
        onEvents: () => {},
        maxBodyBytes: 64,
      });
      const body = JSON.stringify(delivery);
      const cases: [string, Promise<Response>, number][] = [
        ["valid", handler(post(body)), 204],
        ["wrong secret", handler(post(body, { authorization: basic(USER, TOKEN) })), 401],
        ["wrong token", handler(post(body, { authorization: `Bearer ${PASSWORD}` })), 401],
        ["no credentials", handler(post(body, {})), 401],
        ["malformed", handler(post("{")), 400],
        ["over the limit", small(post(body, { authorization: `Bearer ${TOKEN}` })), 413],
        ["GET", handler(new Request(HOOK, { headers: { authorization: `Bearer ${TOKEN}` } })), 405],
      ];
      for await (const answer of answersOf(cases)) {
        expect({ name: answer.name, status: answer.status }).toEqual({
          name: answer.name,
          status: answer.expected,
        });
        expect(findSecret(answer.text, SECRETS)).toBeUndefined();
        expect(findSecret(answer.headers, SECRETS)).toBeUndefined();
      }
      expect(received).toHaveLength(1);
      let config: unknown;
      try {
        postmarkWebhook({ env: { POSTMARK_WEBHOOK_USERNAME: USER, POSTMARK_WEBHOOK_TOKEN: "" } });
      } catch (caught) {
        config = caught;
      }
      expect(config).toMatchObject({ code: "CONFIG", field: "POSTMARK_WEBHOOK_PASSWORD" });
      expect(console_.calls()).toEqual([]);
    } finally {
      console_.restore();
    }
  });
});

describe("postmark webhook: a configured secret outweighs insecureNoVerification", () => {
  it("still verifies (401 for an unsigned post) and warns nothing", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { handler } = handlerFor({
      env: {},
      basic: { username: USER, password: PASSWORD },
      insecureNoVerification: true,
    });
    const response = await handler(post(JSON.stringify(delivery), {}));
    expect(response.status).toBe(401);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
