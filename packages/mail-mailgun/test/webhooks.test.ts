// Mailgun webhooks: the HMAC signature computed here with node:crypto, as Mailgun's docs describe. The shared
// checks of @posse/mail-testkit (valid, forged, stale, replayed, malformed, oversized, answers, secrets, the join
// to send()), then Mailgun's own: its payloads (rewritten from Mailgun's webhook payload docs), their mapping, the
// token cache, and a replay over a real node:http server.
// A tampered body: Mailgun signs only timestamp + token, never the event, so a changed event-data under a
// fresh token verifies (vendor's scheme); a captured post re-sent with other event-data is refused by the
// token cache (the kit's replay check).
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createWebhookHandler, type MailEvent, memoryReplayStore, toNodeHandler } from "@posse/mail-core";
import { describeWebhookConformance, webhookPost } from "@posse/mail-testkit";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { mailgunProvider } from "../src/index.js";
import { mailgunWebhook } from "../src/webhooks/index.js";

const HOOK = "https://app.example/webhooks/mailgun";
const KEY = "mg-signing-S3CRET-4f2a9c";
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const NOW_S = NOW / 1000;
const HEADER_ID = "20260101120000.1.ABCDEF0123@mg.example.com";
const now = () => NOW;

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

const post = (body: string | Uint8Array) => webhookPost(HOOK, body);

/** A post of `{ signature, "event-data" }` (either left out when undefined). */
const posted = (signature: unknown, data: unknown = eventData()) =>
  post(JSON.stringify({ signature, "event-data": data }));

const hook = describeWebhookConformance({
  provider: "mailgun",
  webhook: mailgunWebhook,
  options: { signingKey: KEY, env: {}, now },
  // Mailgun: "If Mailgun receives a 200 … not retried"; 406 rejects for good, any other code is retried.
  answers: { accepted: 200, failed: 503 },
  // The signature travels in the body: a post without one is read (up to the limit) before it is refused.
  credentialsInBody: true,
  secrets: [KEY],
  sample: eventData(),
  body: (data: Record<string, unknown>) => JSON.stringify({ signature: signature(), "event-data": data }),
  post,
  unsigned: (data) => posted(undefined, data),
  forged: {
    "a signature made with another key": () =>
      posted(signature(String(NOW_S), "tok-other-key-0001", "another-key")),
    "a signature made with the key and one more character": () =>
      posted(signature(undefined, undefined, `${KEY}x`)),
    "a tampered token": () => posted({ ...signature(), token: "tampered-token" }),
    "a tampered timestamp": () => posted({ ...signature(), timestamp: String(NOW_S + 1) }),
    "an all-zero signature": () => posted({ ...signature(), signature: "0".repeat(64) }),
    "no signature": () => posted(undefined),
    "a signature without its hex": () => posted({ timestamp: String(NOW_S), token: "t" }),
  },
  stale: {
    toleranceSeconds: 300,
    at: (offset) => posted(signature(String(NOW_S + offset))),
  },
  replayed: {
    twice: () => {
      const signed = signature();
      return [posted(signed), posted(signed, eventData({ event: "complained" }))];
    },
    text: "this Mailgun signature token was already used",
  },
  malformed: {
    "not JSON": "signature=abc&token=def",
    "cut-off JSON": "{",
    "a JSON array": "[]",
    "an authentic post without event-data": JSON.stringify({ signature: signature() }),
    "an authentic post whose event-data is null": JSON.stringify({
      signature: signature(),
      "event-data": null,
    }),
  },
  fromEnv: { env: { MAILGUN_WEBHOOK_SIGNING_KEY: KEY }, now },
  insecure: { env: {}, insecureNoVerification: true, now },
  unconfigured: {
    "no key": { options: { env: {} }, field: "MAILGUN_WEBHOOK_SIGNING_KEY" },
    "a blank MAILGUN_WEBHOOK_SIGNING_KEY": {
      options: { env: { MAILGUN_WEBHOOK_SIGNING_KEY: " " } },
      field: "MAILGUN_WEBHOOK_SIGNING_KEY",
    },
    "toleranceSeconds NaN": {
      options: { signingKey: KEY, env: {}, toleranceSeconds: Number.NaN },
      field: "toleranceSeconds",
      message: "the mailgun webhook: toleranceSeconds must be a positive number of seconds",
    },
    "toleranceSeconds Infinity": {
      options: { signingKey: KEY, env: {}, toleranceSeconds: Number.POSITIVE_INFINITY },
      field: "toleranceSeconds",
      message: "the mailgun webhook: toleranceSeconds must be a positive number of seconds",
    },
    "toleranceSeconds 0": {
      options: { signingKey: KEY, env: {}, toleranceSeconds: 0 },
      field: "toleranceSeconds",
      message: "the mailgun webhook: toleranceSeconds must be a positive number of seconds",
    },
    "toleranceSeconds -300": {
      options: { signingKey: KEY, env: {}, toleranceSeconds: -300 },
      field: "toleranceSeconds",
      message: "the mailgun webhook: toleranceSeconds must be a positive number of seconds",
    },
  },
  join: {
    definition: mailgunProvider,
    config: { apiKey: "key-join", domain: "mg.example.com" },
    sendUrl: "https://api.mailgun.net/v3/mg.example.com/messages",
    success: () => HttpResponse.json({ id: `<${HEADER_ID}>`, message: "Queued. Thank you." }),
    messageId: `<${HEADER_ID}>`,
    message: { tags: ["login", "eu"], metadata: { user_id: "42", plan: "pro" } },
    // Mailgun echoes o:tag values as `tags` and v: variables as `user-variables`; the header id has no brackets.
    echo: async (sent, receipt) => {
      const form = [...(await sent.formData()).entries()];
      const variables = form.filter(([name]) => name.startsWith("v:"));
      return eventData({
        message: { headers: { "message-id": receipt.messageId.slice(1, -1) } },
        tags: form.filter(([name]) => name === "o:tag").map(([, value]) => value),
        "user-variables": Object.fromEntries(variables.map(([name, value]) => [name.slice(2), value])),
      });
    },
  },
  sdk: {
    entries: ["index.js", "index.cjs"].map((file) =>
      fileURLToPath(new URL(`../dist/webhooks/${file}`, import.meta.url)),
    ),
    module: "/node_modules/mailgun.js/",
  },
});

const eventOf = async (data: Record<string, unknown>): Promise<MailEvent> => (await hook.eventsOf(data))[0]!;

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

describe("mailgun webhook: Mailgun's signature and token cache", () => {
  it("accepts a body re-serialized with other spacing, as Mailgun signs only timestamp and token", async () => {
    const body = { signature: signature(), "event-data": eventData() };
    expect((await hook.deliver(post(JSON.stringify(body, null, 2)))).status).toBe(hook.answers.accepted);
  });

  it("claims tokens in the replay store it is given, shared by every instance (process) using it", async () => {
    const store = memoryReplayStore({ now });
    const options = { signingKey: KEY, env: {}, now, replayStore: store };
    const signed = signature();
    expect((await hook.endpoint(options).post(posted(signed))).status).toBe(hook.answers.accepted);
    expect((await hook.endpoint(options).post(posted(signed))).status).toBe(403);
    // Claimed until the signed time leaves the window, and no longer.
    expect(await store.claim(`mailgun:token:${signed.token}`, 1)).toBe(false);
  });

  it("answers 503 with Retry-After, never 406, while a full store holds only live tokens, evicting none", async () => {
    const options = { signingKey: KEY, env: {}, now, replayStore: memoryReplayStore({ maxEntries: 1, now }) };
    const endpoint = hook.endpoint(options);
    const signed = signature();
    expect((await endpoint.post(posted(signed))).status).toBe(hook.answers.accepted);
    const full = await endpoint.post(posted(signature()));
    expect([full.status, full.headers.get("retry-after")]).toEqual([503, "300"]);
    expect(full.events).toEqual([]);
    expect((await endpoint.post(posted(signed))).status).toBe(403);
  });

  it("does not remember the token of a post whose signature is wrong", async () => {
    const endpoint = hook.endpoint();
    const signed = signature();
    expect((await endpoint.post(posted({ ...signed, signature: "0".repeat(64) }))).status).toBe(401);
    expect((await endpoint.post(posted(signed))).status).toBe(hook.answers.accepted);
  });
});

describe("mailgun webhook: through toNodeHandler on a real node:http server", () => {
  it("verifies the raw post and accepts it, then answers 403 to the same post again", async () => {
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
      expect((await send()).status).toBe(hook.answers.accepted);
      expect((await send()).status).toBe(403);
      expect(received.map((event) => event.messageId)).toEqual([`<${HEADER_ID}>`]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
