// Mailgun webhooks through createWebhookHandler with real Requests: the HMAC signature (computed here with
// node:crypto, as Mailgun's docs describe), the timestamp window, the token cache, the event mapping (payloads
// rewritten from Mailgun's webhook payload docs) and the join to send().
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createWebhookHandler, MailError, type MailEvent, toNodeHandler } from "@posse/mail-core";
import { memoryReplayCache } from "@posse/mail-core/provider";
import { answersOf, createContractMailer, findSecret, recordConsole } from "@posse/mail-core/testing";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { mailgunProvider } from "../src/index.js";
import { type MailgunWebhookOptions, mailgunWebhook } from "../src/webhooks/index.js";

const HOOK = "https://app.example/webhooks/mailgun";
const KEY = "mg-signing-S3CRET-4f2a9c";
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const NOW_S = NOW / 1000;
const HEADER_ID = "20260101120000.1.ABCDEF0123@mg.example.com";

let tokens = 0;
function signature(timestamp = String(NOW_S), token = `token-${++tokens}-${"x".repeat(40)}`, key = KEY) {
  return {
    timestamp,
    token,
    signature: createHmac("sha256", key)
      .update(timestamp + token)
      .digest("hex"),
  };
}

function eventData(overrides: Record<string, unknown> = {}) {
  return {
    id: "CPgfbmQMTCKtHW6uIWtuVe",
    timestamp: NOW_S - 10.5,
    "log-level": "info",
    event: "delivered",
    "delivery-status": {
      tls: true,
      "mx-host": "smtp-in.example.com",
      code: 250,
      description: "",
      "session-seconds": 0.43,
      utf8: true,
      "attempt-no": 1,
      message: "OK",
      "certificate-verified": true,
    },
    flags: { "is-routed": false, "is-authenticated": true, "is-system-test": false, "is-test-mode": false },
    envelope: {
      transport: "smtp",
      sender: "bob@mg.example.com",
      "sending-ip": "209.61.154.250",
      targets: "alice@example.com",
    },
    message: {
      headers: {
        to: "Alice <alice@example.com>",
        "message-id": HEADER_ID,
        from: "Bob <bob@mg.example.com>",
        subject: "Test delivered webhook",
      },
      attachments: [],
      size: 111,
    },
    recipient: "alice@example.com",
    "recipient-domain": "example.com",
    storage: {
      url: "https://se.api.mailgun.net/v3/domains/mg.example.com/messages/message_key",
      key: "message_key",
    },
    campaigns: [],
    tags: ["my_tag_1", "my_tag_2"],
    "user-variables": { my_var_1: "Mailgun Variable #1", "my-var-2": "awesome" },
    ...overrides,
  };
}

function post(body: unknown, raw?: string) {
  return new Request(HOOK, {
    method: "POST",
    body: raw ?? JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
}

function handlerFor(options: MailgunWebhookOptions = {}) {
  const received: MailEvent[][] = [];
  const handler = createWebhookHandler(
    mailgunWebhook({ signingKey: KEY, env: {}, now: () => NOW, ...options }),
    {
      onEvents: (events) => {
        received.push([...events]);
      },
    },
  );
  return { handler, received };
}

async function eventOf(data: Record<string, unknown>): Promise<MailEvent> {
  const { handler, received } = handlerFor();
  const response = await handler(post({ signature: signature(), "event-data": data }));
  expect(response.status).toBe(204);
  return received[0]![0]!;
}

describe("mailgun webhook: mapping", () => {
  it("maps a delivered event with the send's bracketed id, tags, user-variables, time and event id", async () => {
    const data = eventData();
    expect(await eventOf(data)).toEqual({
      type: "delivered",
      provider: "mailgun",
      messageId: `<${HEADER_ID}>`,
      recipient: "alice@example.com",
      timestamp: new Date(NOW - 10_500),
      vendorType: "delivered",
      eventId: "CPgfbmQMTCKtHW6uIWtuVe",
      tags: ["my_tag_1", "my_tag_2"],
      metadata: { my_var_1: "Mailgun Variable #1", "my-var-2": "awesome" },
      raw: data,
    });
  });

  const failed = (severity: string | undefined, reason: string, code: number, message: string) =>
    eventData({
      event: "failed",
      severity,
      reason,
      "delivery-status": { code, message, description: "", "attempt-no": 1, "bounce-code": "5.1.1" },
    });

  it.each([
    ["permanent", "bounce", 550, "bounced", "hard"],
    ["permanent", "generic", 550, "bounced", "hard"],
    ["temporary", "generic", 452, "deferred", "soft"],
    ["permanent", "suppress-bounce", 605, "rejected", "undetermined"],
    ["permanent", "suppress-unsubscribe", 606, "rejected", "undetermined"],
    ["permanent", "old", 625, "rejected", "undetermined"],
    [undefined, "generic", 550, "bounced", "undetermined"],
  ])("maps failed (severity %s, reason %s, code %i) to %s/%s", async (severity, reason, code, type, kind) => {
    const event = await eventOf(failed(severity, reason, code, "550 5.1.1 No such user"));
    expect(event.type).toBe(type);
    expect(event.bounce).toEqual({ kind, reason, diagnostic: "550 5.1.1 No such user" });
  });

  it("maps rejected (with its reason), opened, clicked (with its URL), unsubscribed, complained; accepted and others as unknown", async () => {
    expect(
      await eventOf(
        eventData({
          event: "rejected",
          reject: { reason: "Sandbox subdomains are for test purposes only", description: "" },
        }),
      ),
    ).toMatchObject({
      type: "rejected",
      bounce: { kind: "undetermined", reason: "Sandbox subdomains are for test purposes only" },
    });
    expect((await eventOf(eventData({ event: "opened" }))).type).toBe("opened");
    expect(await eventOf(eventData({ event: "clicked", url: "https://example.com/a?b=c" }))).toMatchObject({
      type: "clicked",
      url: "https://example.com/a?b=c",
    });
    expect((await eventOf(eventData({ event: "unsubscribed" }))).type).toBe("unsubscribed");
    expect((await eventOf(eventData({ event: "complained" }))).type).toBe("complained");
    for (const name of ["accepted", "stored", "list_member_uploaded"]) {
      expect(await eventOf(eventData({ event: name }))).toMatchObject({ type: "unknown", vendorType: name });
    }
  });

  it("keeps a message-id that already has brackets as it is", async () => {
    const data = eventData({ message: { headers: { "message-id": `<${HEADER_ID}>` } } });
    expect((await eventOf(data)).messageId).toBe(`<${HEADER_ID}>`);
  });
});

describe("mailgun webhook: refusals", () => {
  it("accepts a body re-serialized with other spacing, as Mailgun signs only timestamp and token", async () => {
    const { handler } = handlerFor();
    const body = { signature: signature(), "event-data": eventData() };
    expect((await handler(post(undefined, JSON.stringify(body, null, 2)))).status).toBe(204);
  });

  it.each([
    [
      "a signature made with another key",
      () => signature(String(NOW_S), "tok-other-key-0001", "another-key"),
    ],
    ["a tampered token", () => ({ ...signature(), token: "tampered-token" })],
    ["a tampered timestamp", () => ({ ...signature(), timestamp: String(NOW_S + 1) })],
    ["no signature", () => undefined],
    ["a signature without its hex", () => ({ timestamp: String(NOW_S), token: "t" })],
  ])("answers 401 to %s, naming no secret", async (_, make) => {
    const { handler, received } = handlerFor();
    const response = await handler(post({ signature: make(), "event-data": eventData() }));
    expect(response.status).toBe(401);
    expect(findSecret(await response.text(), [KEY])).toBeUndefined();
    expect(received).toEqual([]);
  });

  it.each([
    ["301 s old", NOW_S - 301],
    ["301 s ahead", NOW_S + 301],
  ])("answers 403 to a correctly signed timestamp %s", async (_, stamp) => {
    const { handler, received } = handlerFor();
    const response = await handler(post({ signature: signature(String(stamp)), "event-data": eventData() }));
    expect(response.status).toBe(403);
    expect(received).toEqual([]);
  });

  it("accepts a timestamp 300 s old, and the window is configurable", async () => {
    expect(
      (
        await handlerFor().handler(
          post({ signature: signature(String(NOW_S - 300)), "event-data": eventData() }),
        )
      ).status,
    ).toBe(204);
    const wide = handlerFor({ toleranceSeconds: 900 }).handler;
    expect(
      (await wide(post({ signature: signature(String(NOW_S - 899)), "event-data": eventData() }))).status,
    ).toBe(204);
  });

  it("refuses a replayed token with 403, also when the rest of the post differs", async () => {
    const { handler, received } = handlerFor();
    const signed = signature();
    expect((await handler(post({ signature: signed, "event-data": eventData() }))).status).toBe(204);
    const replay = await handler(
      post({ signature: signed, "event-data": eventData({ event: "complained" }) }),
    );
    expect(replay.status).toBe(403);
    expect(await replay.text()).toBe("this Mailgun signature token was already used");
    expect(received).toHaveLength(1);
  });

  it("remembers tokens in the replay cache it is given (bounded)", async () => {
    const cache = memoryReplayCache({ maxEntries: 1, now: () => NOW });
    const first = handlerFor({ replayCache: cache }).handler;
    const second = handlerFor({ replayCache: cache }).handler;
    const signed = signature();
    expect((await first(post({ signature: signed, "event-data": eventData() }))).status).toBe(204);
    expect((await second(post({ signature: signed, "event-data": eventData() }))).status).toBe(403);
    // One entry at most: a newer token pushes the first out.
    expect((await first(post({ signature: signature(), "event-data": eventData() }))).status).toBe(204);
    expect(cache.seen(signed.token, NOW + 1000)).toBe(false);
  });

  it("does not remember the token of a post whose signature is wrong", async () => {
    const { handler } = handlerFor();
    const signed = signature();
    expect(
      (
        await handler(
          post({ signature: { ...signed, signature: "0".repeat(64) }, "event-data": eventData() }),
        )
      ).status,
    ).toBe(401);
    expect((await handler(post({ signature: signed, "event-data": eventData() }))).status).toBe(204);
  });

  it.each([
    ["not JSON", "signature=abc&token=def"],
    ["a JSON array", "[]"],
  ])("answers 400 to a body that is %s", async (_, raw) => {
    const { handler } = handlerFor();
    expect((await handler(post(undefined, raw))).status).toBe(400);
  });

  it("answers 400 to an authentic post without event-data", async () => {
    const { handler } = handlerFor();
    expect((await handler(post({ signature: signature() }))).status).toBe(400);
  });

  it("answers 413 to a body over the limit", async () => {
    const handler = createWebhookHandler(mailgunWebhook({ signingKey: KEY, now: () => NOW }), {
      onEvents: () => {},
      maxBodyBytes: 2048,
    });
    const body = { signature: signature(), "event-data": eventData({ padding: "x".repeat(4096) }) };
    expect((await handler(post(body))).status).toBe(413);
  });

  it("reads the key from MAILGUN_WEBHOOK_SIGNING_KEY", async () => {
    const { handler } = handlerFor({
      signingKey: undefined,
      env: { MAILGUN_WEBHOOK_SIGNING_KEY: KEY },
    });
    expect((await handler(post({ signature: signature(), "event-data": eventData() }))).status).toBe(204);
  });

  it("refuses to start without a key: CONFIG naming MAILGUN_WEBHOOK_SIGNING_KEY", () => {
    expect(() => mailgunWebhook({ env: { MAILGUN_WEBHOOK_SIGNING_KEY: " " } })).toThrow(
      expect.objectContaining({
        code: "CONFIG",
        provider: "mailgun",
        field: "MAILGUN_WEBHOOK_SIGNING_KEY",
        message: expect.stringContaining("MAILGUN_WEBHOOK_SIGNING_KEY"),
      }),
    );
    expect(() => mailgunWebhook({ env: {} })).toThrow(MailError);
  });

  it("accepts unsigned posts only when opted out explicitly, and warns once", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { handler, received } = handlerFor({
      signingKey: undefined,
      env: {},
      insecureNoVerification: true,
    });
    mailgunWebhook({ env: {}, insecureNoVerification: true });
    // Warned when the first was created, not again for the second, nor below for a request.
    expect(warn).toHaveBeenCalledTimes(1);
    expect((await handler(post({ "event-data": eventData() }))).status).toBe(204);
    expect(received).toHaveLength(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain("mailgun webhook VERIFIES NOTHING");
    warn.mockRestore();
  });
});

describe("mailgun webhook: the event joins what send() returned", () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it("carries the send's id (angle brackets included), tags and v: variables back", async () => {
    let form: FormData | undefined;
    server.use(
      http.post("https://api.mailgun.net/v3/mg.example.com/messages", async ({ request }) => {
        form = await request.formData();
        return HttpResponse.json({ id: `<${HEADER_ID}>`, message: "Queued. Thank you." });
      }),
    );
    const mailer = await createContractMailer(mailgunProvider, {
      apiKey: "key-join",
      domain: "mg.example.com",
    });
    const receipt = await mailer.send({
      to: "alice@example.com",
      subject: "Hi",
      text: "Hi",
      tags: ["login", "eu"],
      metadata: { user_id: "42", plan: "pro" },
    });
    // Mailgun echoes o:tag values as `tags` and v: variables as `user-variables`; the header id has no brackets.
    const event = await eventOf(
      eventData({
        message: { headers: { "message-id": receipt.messageId.slice(1, -1) } },
        tags: form!.getAll("o:tag"),
        "user-variables": { user_id: form!.get("v:user_id"), plan: form!.get("v:plan") },
      }),
    );
    expect(receipt.messageId).toBe(`<${HEADER_ID}>`);
    expect(event.messageId).toBe(receipt.messageId);
    expect(event.tags).toEqual(["login", "eu"]);
    expect(event.metadata).toEqual({ user_id: "42", plan: "pro" });
  });
});

describe("mailgun webhook: through toNodeHandler on a real node:http server", () => {
  it("verifies the raw post and answers 204, then 403 to the same post again", async () => {
    const received: MailEvent[] = [];
    const handler = createWebhookHandler(mailgunWebhook({ signingKey: KEY, env: {} }), {
      onEvents: (events) => {
        received.push(...events);
      },
    });
    const server = createServer(toNodeHandler(handler));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/mailgun`;
      // The real clock: Mailgun signs the time of sending.
      const body = JSON.stringify({
        signature: signature(String(Math.floor(Date.now() / 1000))),
        "event-data": eventData(),
      });
      const send = () =>
        fetch(url, { method: "POST", body, headers: { "content-type": "application/json" } });
      expect((await send()).status).toBe(204);
      expect((await send()).status).toBe(403);
      expect(received.map((event) => event.messageId)).toEqual([`<${HEADER_ID}>`]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

// A tampered body: Mailgun signs only timestamp + token, never the event, so a changed event-data under a
// fresh token verifies (vendor's scheme); a captured post re-sent with other event-data is refused by the
// token cache (403, "refuses a replayed token" above).
describe("mailgun webhook: every refusal path, and no secret anywhere", () => {
  it("answers 401, 403, 400, 413 and 405 as the issue lists, with no secret in any answer and nothing logged", async () => {
    const console_ = recordConsole();
    try {
      const { handler, received } = handlerFor();
      const small = createWebhookHandler(mailgunWebhook({ signingKey: KEY, env: {}, now: () => NOW }), {
        onEvents: () => {},
        maxBodyBytes: 64,
      });
      const signed = signature();
      const body = (sig: unknown, data: unknown = eventData()) =>
        post({ signature: sig, "event-data": data });
      const cases: [string, () => Promise<Response>, number][] = [
        ["valid", () => handler(body(signed)), 204],
        ["replayed token", () => handler(body(signed, eventData({ event: "complained" }))), 403],
        ["wrong key", () => handler(body(signature(undefined, undefined, `${KEY}x`))), 401],
        ["stale", () => handler(body(signature(String(NOW_S - 3600)))), 403],
        ["malformed", () => handler(post(undefined, "{")), 400],
        ["authentic but no event", () => handler(body(signature(), null)), 400],
        ["over the limit", () => small(body(signature())), 413],
        ["GET", () => handler(new Request(HOOK)), 405],
      ];
      for await (const answer of answersOf(cases)) {
        expect({ name: answer.name, status: answer.status }).toEqual({
          name: answer.name,
          status: answer.expected,
        });
        expect(findSecret(answer.text, [KEY])).toBeUndefined();
        expect(findSecret(answer.headers, [KEY])).toBeUndefined();
      }
      expect(received).toHaveLength(1);
      expect(console_.calls()).toEqual([]);
    } finally {
      console_.restore();
    }
  });
});

describe("mailgun webhook: a configured secret outweighs insecureNoVerification", () => {
  it("still verifies (401 for an unsigned post) and warns nothing", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { handler } = handlerFor({ insecureNoVerification: true });
    const response = await handler(post({ "event-data": eventData() }));
    expect(response.status).toBe(401);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
