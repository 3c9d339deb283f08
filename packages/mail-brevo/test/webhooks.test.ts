// Brevo webhooks through createWebhookHandler with real Requests: shared-secret checks, single and batched posts,
// the event mapping (payloads rewritten from Brevo's transactional webhook docs) and the join to send().
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
import { brevoProvider } from "../src/index.js";
import { type BrevoWebhookOptions, brevoWebhook } from "../src/webhooks/index.js";

const HOOK = "https://app.example/webhooks/brevo";
const TOKEN = "brevo-hook-S3CRET-31d7";
const USER = "brevo-hook";
const PASSWORD = "brevo-pass-S3CRET-62e1";
const SECRETS = [TOKEN, PASSWORD];
const MESSAGE_ID = "<202601011200.12345678901@smtp-relay.mailin.fr>";
const TS = Date.UTC(2026, 0, 1, 12, 0, 0);

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

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

function post(body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  return new Request(HOOK, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });
}

function handlerFor(options: BrevoWebhookOptions = { env: {}, bearer: TOKEN }) {
  const received: MailEvent[][] = [];
  const handler = createWebhookHandler(brevoWebhook({ now: () => TS + 999_000, ...options }), {
    onEvents: (events) => {
      received.push([...events]);
    },
  });
  return { handler, received };
}

async function eventsOf(body: unknown): Promise<MailEvent[]> {
  const { handler, received } = handlerFor();
  const response = await handler(post(body));
  expect(response.status).toBe(204);
  return received[0]!;
}

describe("brevo webhook: mapping", () => {
  it("maps a delivered record with the send's messageId, tags, X-Mailin-custom metadata and ts_epoch", async () => {
    const delivered = record("delivered");
    expect(await eventsOf(delivered)).toEqual([
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
    const [mapped] = await eventsOf(record(event, { reason: "550 5.1.1 user unknown" }));
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
    const [mapped] = await eventsOf(record(event));
    expect(mapped).toMatchObject({ type, vendorType: event });
  });

  it("maps a click with its link", async () => {
    const [mapped] = await eventsOf(record("click", { link: "https://example.com/a?b=1" }));
    expect(mapped).toMatchObject({ type: "clicked", url: "https://example.com/a?b=1" });
  });

  it("hands over a batch mixing known and unknown events, one event per record, in order", async () => {
    const events = await eventsOf([record("delivered"), record("brand_new_event"), record("hard_bounce")]);
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
    const [mapped] = await eventsOf(noEpoch);
    expect(mapped).toMatchObject({
      timestamp: new Date(TS),
      tags: ["single"],
      messageId: "<202601011200.1@smtp-relay.mailin.fr>",
    });
    const [bare] = await eventsOf({ event: "delivered" });
    expect(bare).toMatchObject({
      timestamp: new Date(TS + 999_000),
      messageId: undefined,
      metadata: {},
      tags: [],
    });
  });
});

describe("brevo webhook: refusals", () => {
  it.each([
    ["no Authorization", {}],
    ["a wrong token", { authorization: "Bearer brevo-hook-S3CRET-31d8" }],
    ["Basic credentials when a token is configured", { authorization: basic(USER, PASSWORD) }],
  ])("answers 401 to %s, naming no secret", async (_, headers) => {
    const { handler, received } = handlerFor();
    const response = await handler(post(record("delivered"), headers));
    expect(response.status).toBe(401);
    expect(findSecret(await response.text(), SECRETS)).toBeUndefined();
    expect(received).toEqual([]);
  });

  it("accepts the token as the bare Authorization value too", async () => {
    const { handler } = handlerFor();
    expect((await handler(post(record("delivered"), { authorization: TOKEN }))).status).toBe(204);
  });

  it("checks Basic credentials from BREVO_WEBHOOK_USERNAME/PASSWORD, and a token from BREVO_WEBHOOK_TOKEN", async () => {
    const byBasic = handlerFor({
      env: { BREVO_WEBHOOK_USERNAME: USER, BREVO_WEBHOOK_PASSWORD: PASSWORD },
    }).handler;
    expect((await byBasic(post(record("delivered"), { authorization: basic(USER, PASSWORD) }))).status).toBe(
      204,
    );
    expect((await byBasic(post(record("delivered"), { authorization: basic(USER, TOKEN) }))).status).toBe(
      401,
    );
    const byToken = handlerFor({ env: { BREVO_WEBHOOK_TOKEN: TOKEN } }).handler;
    expect((await byToken(post(record("delivered")))).status).toBe(204);
  });

  it.each([
    ["not JSON", "event=delivered"],
    ["an array holding a non-object", JSON.stringify([record("delivered"), 7])],
    ["a string", '"delivered"'],
  ])("answers 400 to a body that is %s", async (_, body) => {
    const { handler, received } = handlerFor();
    expect((await handler(post(body))).status).toBe(400);
    expect(received).toEqual([]);
  });

  it("answers 413 to a batch over the limit", async () => {
    const handler = createWebhookHandler(brevoWebhook({ env: {}, bearer: TOKEN }), {
      onEvents: () => {},
      maxBodyBytes: 4096,
    });
    const batch = Array.from({ length: 20 }, () => record("delivered"));
    expect((await handler(post(batch))).status).toBe(413);
  });

  it("refuses to start without a secret: CONFIG naming the variables", () => {
    expect(() => brevoWebhook({ env: {} })).toThrow(
      expect.objectContaining({
        code: "CONFIG",
        provider: "brevo",
        message: expect.stringContaining(
          "BREVO_WEBHOOK_USERNAME/BREVO_WEBHOOK_PASSWORD or BREVO_WEBHOOK_TOKEN",
        ),
      }),
    );
    expect(() => brevoWebhook({ env: {} })).toThrow(MailError);
  });

  it("accepts unverified posts only when opted out explicitly, and warns once", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { handler, received } = handlerFor({ env: {}, insecureNoVerification: true });
    brevoWebhook({ env: {}, insecureNoVerification: true });
    // Warned when the first was created, not again for the second, nor below for a request.
    expect(warn).toHaveBeenCalledTimes(1);
    expect((await handler(post(record("delivered"), {}))).status).toBe(204);
    expect(received).toHaveLength(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain("brevo webhook VERIFIES NOTHING");
    warn.mockRestore();
  });
});

describe("brevo webhook: the event joins what send() returned", () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it("carries the send's messageId, tags and metadata (X-Mailin-custom) back", async () => {
    const captured: CapturedRequest[] = [];
    server.use(
      http.post("https://api.brevo.com/v3/smtp/email", async ({ request }) => {
        captured.push(await captureJsonRequest(request));
        return HttpResponse.json({ messageId: MESSAGE_ID }, { status: 201 });
      }),
    );
    const mailer = await createContractMailer(brevoProvider, { apiKey: "xkeysib-join" });
    const receipt = await mailer.send({
      to: "ann@example.com",
      subject: "Hi",
      text: "Hi",
      tags: ["login", "eu"],
      metadata: { user_id: "42", plan: "pro" },
    });
    const sent = captured[0]!.body as { tags: string[]; headers: Record<string, string> };
    // Brevo echoes the tags and the X-Mailin-custom header it was sent in every event about the message.
    const [event] = await eventsOf(
      record("delivered", {
        "message-id": receipt.messageId,
        email: "ann@example.com",
        tags: sent.tags,
        "X-Mailin-custom": sent.headers["X-Mailin-custom"],
      }),
    );
    expect(event!.messageId).toBe(receipt.messageId);
    expect(event!.tags).toEqual(["login", "eu"]);
    expect(event!.metadata).toEqual({ user_id: "42", plan: "pro" });
  });
});

// Brevo signs nothing and sends no timestamp or token: a changed body with a valid token is accepted (only the
// secret is checked), and there is nothing to refuse a replay by (dedupe on message-id + event + email + ts_epoch).
describe("brevo webhook: every refusal path, re-serialized bodies, and no secret anywhere", () => {
  it("parses a batch re-serialized by a body parser exactly as the raw post", async () => {
    const batch = [record("delivered"), record("brand_new_event"), record("soft_bounce", { reason: "full" })];
    const raw = JSON.stringify(batch, null, 2).replaceAll("\n", "\r\n");
    const reserialized = JSON.stringify(JSON.parse(raw));
    expect(reserialized).not.toBe(raw);
    const { handler, received } = handlerFor();
    expect((await handler(post(raw))).status).toBe(204);
    expect((await handler(post(reserialized))).status).toBe(204);
    expect(received[0]!.map((event) => event.type)).toEqual(["delivered", "unknown", "bounced"]);
    expect(received[1]).toEqual(received[0]);
  });

  it("answers 401, 400, 413 and 405 as the issue lists, with no secret in any answer and nothing logged", async () => {
    const console_ = recordConsole();
    try {
      const { handler, received } = handlerFor({
        env: {},
        bearer: TOKEN,
        basic: { username: USER, password: PASSWORD },
      });
      const small = createWebhookHandler(brevoWebhook({ env: {}, bearer: TOKEN }), {
        onEvents: () => {},
        maxBodyBytes: 64,
      });
      const body = record("delivered");
      const cases: [string, Promise<Response>, number][] = [
        ["valid", handler(post(body)), 204],
        ["wrong password", handler(post(body, { authorization: basic(USER, TOKEN) })), 401],
        ["wrong token", handler(post(body, { authorization: `Bearer ${PASSWORD}x` })), 401],
        ["no credentials", handler(post(body, {})), 401],
        ["malformed", handler(post("[{")), 400],
        ["over the limit", small(post(body)), 413],
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
      expect(() => brevoWebhook({ env: { BREVO_WEBHOOK_PASSWORD: PASSWORD } })).toThrow(
        expect.objectContaining({ code: "CONFIG", field: "BREVO_WEBHOOK_USERNAME" }),
      );
      expect(console_.calls()).toEqual([]);
    } finally {
      console_.restore();
    }
  });
});

describe("brevo webhook: a configured secret outweighs insecureNoVerification", () => {
  it("still verifies (401 for an unsigned post) and warns nothing", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { handler } = handlerFor({ env: {}, bearer: TOKEN, insecureNoVerification: true });
    const response = await handler(post(record("delivered"), {}));
    expect(response.status).toBe(401);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
