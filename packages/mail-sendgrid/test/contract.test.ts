// Contract tests: MSW stands in for https://api.sendgrid.com at the network layer and checks each
// request as SendGrid's API reference defines it (POST /v3/mail/send, Bearer auth, personalizations JSON).
import { fileURLToPath } from "node:url";
import { type CreateMailerOptions, type MailAddress, MailError, normalizeMessage } from "@posse/mail-core";
import {
  type CapturedRequest,
  captureJsonRequest,
  createContractMailer,
  createFakeClock,
  deferred,
  findSecret,
  fullMessage,
  minimalMessage,
  PDF_BYTES,
  PNG_BYTES,
} from "@posse/mail-core/testing";
import { describeProviderConformance } from "@posse/mail-testkit";
import { delay, HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { sendgridProvider } from "../src/index.js";

const API = "https://api.sendgrid.com";
const API_KEY = "SG.contract_SECRET_5f1c";
const MESSAGE_ID = "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0";
const server = setupServer();

function captureSend() {
  const captured: CapturedRequest[] = [];
  server.use(
    http.post(`${API}/v3/mail/send`, async ({ request }) => {
      captured.push(await captureJsonRequest(request));
      return new HttpResponse(null, { status: 202, headers: { "X-Message-Id": MESSAGE_ID } });
    }),
  );
  return captured;
}

const mailer = (options: Partial<CreateMailerOptions> = {}, config: Record<string, unknown> = {}) =>
  createContractMailer(sendgridProvider, { apiKey: API_KEY, ...config }, options);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.restoreAllMocks();
});
afterAll(() => server.close());

type Email = { email: string; name?: string };
const address = ({ email, name }: Email): MailAddress =>
  name === undefined ? { address: email } : { address: email, name };

// What every provider must do (fields carried or refused, hostile names, the error matrix, refused and reset
// connections, timeout, abort, MAIL_RETRY_ATTEMPTS, no 2xx taken for a receipt, detection, lazy SDK).
describeProviderConformance({
  definition: sendgridProvider,
  config: { apiKey: API_KEY },
  withEndpoint: (origin) => ({ apiKey: API_KEY, endpoint: origin }),
  env: { SENDGRID_API_KEY: API_KEY },
  secrets: [API_KEY],
  server,
  sendUrl: `${API}/v3/mail/send`,
  success: () => new HttpResponse(null, { status: 202, headers: { "X-Message-Id": MESSAGE_ID } }),
  messageId: MESSAGE_ID,
  failure: (status, text, headers) =>
    HttpResponse.json({ errors: [{ message: text, field: null, help: null }] }, { status, headers }),
  addresses: (request) => {
    const body = JSON.parse(request.text) as { from: Email; personalizations: { to: Email[] }[] };
    return { from: address(body.from), to: body.personalizations[0]!.to.map(address) };
  },
  // axios takes the signal, but MSW's http interceptor does not report an axios abort (tested below).
  abortsRequest: false,
  sdk: {
    entries: ["index.js", "index.cjs"].map((file) =>
      fileURLToPath(new URL(`../dist/${file}`, import.meta.url)),
    ),
    module: "/node_modules/@sendgrid/mail/",
  },
});

describe("sendgrid contract", () => {
  it("sends a minimal message as a minimal request", async () => {
    const captured = captureSend();
    const receipt = await (await mailer()).send(minimalMessage);
    expect(receipt).toEqual({ provider: "sendgrid", messageId: MESSAGE_ID });
    expect(captured).toHaveLength(1);
    const [request] = captured;
    expect(request!.method).toBe("POST");
    expect(request!.url).toBe(`${API}/v3/mail/send`);
    expect(request!.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
    expect(request!.headers.get("content-type")).toBe("application/json");
    expect(request!.headers.get("user-agent")).toMatch(/^sendgrid\/[\d.]+;nodejs$/);
    expect(request!.body).toEqual({
      from: { email: "possy@posseparty.example", name: "Possy" },
      subject: "Hello",
      personalizations: [{ to: [{ email: "ann@example.com" }] }],
      content: [{ type: "text/plain", value: "Hi Ann" }],
    });
  });

  it("sends every field of a full message", async () => {
    const captured = captureSend();
    await (await mailer()).send({ ...fullMessage, idempotencyKey: "login-42-1" });
    const [request] = captured;
    expect(request!.body).toEqual({
      from: { email: "possy@posseparty.example", name: "«Possy» Party" },
      subject: "Sign in to POSSE Party ✓ — ünïcødé",
      personalizations: [
        {
          to: [{ email: "ann@example.com", name: 'Doe, Ann "Annie"' }, { email: "bob@example.com" }],
          cc: [{ email: "carol@example.com", name: "Carol Ünïcode" }],
          bcc: [{ email: "dave@example.com" }],
          headers: { "X-Entity-Ref-ID": "ref-123", "X-Idempotency-Key": "login-42-1" },
        },
      ],
      reply_to: { email: "support@posseparty.example", name: "Support, Team" },
      content: [
        { type: "text/plain", value: "Your link: https://posseparty.example/login/abc" },
        {
          type: "text/html",
          value:
            '<p>Your <a href="https://posseparty.example/login/abc">link</a> <img src="cid:logo@posse"></p>',
        },
      ],
      attachments: [
        {
          content: Buffer.from(PDF_BYTES).toString("base64"),
          filename: "report.pdf",
          type: "application/pdf",
        },
        {
          content: Buffer.from(PNG_BYTES).toString("base64"),
          filename: "logo.png",
          type: "image/png",
          disposition: "inline",
          content_id: "logo@posse",
        },
      ],
      categories: ["login"],
      custom_args: { user_id: "42" },
    });
    // The e-mail's headers stay in the body: none leaks into the HTTP request's headers.
    expect(request!.headers.has("x-entity-ref-id")).toBe(false);
    expect(request!.headers.has("x-idempotency-key")).toBe(false);
  });

  const notAcceptances: [string, () => HttpResponse<string>][] = [
    ["202 without X-Message-Id", () => new HttpResponse("", { status: 202 })],
    [
      "200 text/html (a captive portal's page)",
      () => HttpResponse.html("<html><body>Sign in to the Wi-Fi</body></html>", { status: 200 }),
    ],
  ];

  it.each(notAcceptances)("reports %s as UNKNOWN with an unknown outcome, sent once", async (_, answer) => {
    let requests = 0;
    server.use(
      http.post(`${API}/v3/mail/send`, () => {
        requests++;
        return answer();
      }),
    );
    const clock = createFakeClock();
    const send = (await mailer({ clock, retry: { attempts: 3 } })).send(minimalMessage);
    const error = await clock.settle(send, { maxTimerMs: 60_000 }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({
      code: "UNKNOWN",
      provider: "sendgrid",
      outcomeUnknown: true,
      retryable: false,
    });
    expect(error.message).toContain("X-Message-Id");
    expect(requests).toBe(1);
  });

  it("does not follow a redirect: UNKNOWN with an unknown outcome, sent once, the new location never asked", async () => {
    let requests = 0;
    let followed = 0;
    server.use(
      http.post(`${API}/v3/mail/send`, () => {
        requests++;
        return new HttpResponse(null, { status: 307, headers: { Location: `${API}/v3/mail/elsewhere` } });
      }),
      http.post(`${API}/v3/mail/elsewhere`, () => {
        followed++;
        return new HttpResponse(null, { status: 202, headers: { "X-Message-Id": MESSAGE_ID } });
      }),
    );
    const clock = createFakeClock();
    const send = (await mailer({ clock, retry: { attempts: 3 } })).send(minimalMessage);
    const error = await clock.settle(send, { maxTimerMs: 60_000 }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "UNKNOWN", provider: "sendgrid", status: 307, outcomeUnknown: true });
    expect(error.message).toContain("redirect");
    expect(requests).toBe(1);
    expect(followed).toBe(0);
  });

  it("sends an attachment's bare MIME type: SendGrid refuses parameters such as the charset", async () => {
    const captured = captureSend();
    await (await mailer()).send({
      ...minimalMessage,
      attachments: [
        // The core labels string content text/plain; charset=utf-8.
        { filename: "Grüße.txt", content: "Grüße aus Köln" },
        { filename: "data.csv", content: "a,b\n", contentType: 'text/csv; charset="UTF-8"' },
      ],
    });
    expect((captured[0]!.body as { attachments: unknown }).attachments).toEqual([
      {
        content: Buffer.from("Grüße aus Köln", "utf8").toString("base64"),
        filename: "Grüße.txt",
        type: "text/plain",
      },
      { content: Buffer.from("a,b\n").toString("base64"), filename: "data.csv", type: "text/csv" },
    ]);
  });

  it("sends several reply-to addresses as reply_to_list", async () => {
    const captured = captureSend();
    await (await mailer()).send({
      ...minimalMessage,
      replyTo: [{ address: "a@example.com", name: "Team, A" }, "b@example.com"],
    });
    const body = captured[0]!.body as Record<string, unknown>;
    expect(body.reply_to_list).toEqual([
      { email: "a@example.com", name: "Team, A" },
      { email: "b@example.com" },
    ]);
    expect(body).not.toHaveProperty("reply_to");
  });

  it("sends to a configured endpoint", async () => {
    const seen: string[] = [];
    server.use(
      http.post("https://api.eu.sendgrid.com/v3/mail/send", ({ request }) => {
        seen.push(request.url);
        return new HttpResponse(null, { status: 202, headers: { "X-Message-Id": "eu-1" } });
      }),
    );
    const receipt = await (await mailer({}, { endpoint: "https://api.eu.sendgrid.com" })).send(
      minimalMessage,
    );
    expect(receipt.messageId).toBe("eu-1");
    expect(seen).toEqual(["https://api.eu.sendgrid.com/v3/mail/send"]);
  });

  const unsupported: [string, Record<string, unknown>, string][] = [
    ["more than 10 categories", { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, "tags"],
    ["a category over 255 characters", { tags: ["t".repeat(256)] }, "tags[0]"],
    ["custom_args over 10,000 bytes", { metadata: { big: "v".repeat(10_000) } }, "metadata"],
  ];

  it.each(unsupported)("refuses %s before any request", async (_, extra, field) => {
    const captured = captureSend();
    const error = await (await mailer()).send({ ...minimalMessage, ...extra }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "UNSUPPORTED", field, provider: "sendgrid" });
    expect(captured).toHaveLength(0);
  });

  const failures: [string, number, { message: string; field: string | null }, Partial<MailError>][] = [
    [
      "bad key",
      401,
      { message: "The provided authorization grant is invalid, expired, or revoked", field: null },
      { code: "AUTH", retryable: false },
    ],
    ["key without permission", 403, { message: "access forbidden", field: null }, { code: "AUTH" }],
    [
      "unverified sender",
      403,
      {
        message:
          "The from address does not match a verified Sender Identity. Mail cannot be sent until this error is resolved.",
        field: "from",
      },
      { code: "REJECTED", retryable: false },
    ],
    [
      "validation",
      400,
      {
        message: "Does not contain a valid address.",
        field: "personalizations.0.to.0.email",
      },
      { code: "REJECTED", retryable: false },
    ],
    ["payload too large", 413, { message: "Payload Too Large", field: null }, { code: "REJECTED" }],
  ];

  it.each(failures)("maps %s (HTTP %i) to a MailError", async (_, status, item, expected) => {
    server.use(
      http.post(`${API}/v3/mail/send`, () =>
        HttpResponse.json({ errors: [{ ...item, help: null }] }, { status }),
      ),
    );
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ provider: "sendgrid", status, ...expected });
    expect(error.message).toContain(item.message);
    if (item.field) expect(error.message).toContain(item.field);
    expect(findSecret(error, [API_KEY])).toBeUndefined();
  });

  it("maps 429 to RATE_LIMITED, waiting until X-RateLimit-Reset", async () => {
    const clock = createFakeClock(1_767_225_600_000);
    const now = clock.now();
    server.use(
      http.post(`${API}/v3/mail/send`, () =>
        HttpResponse.json(
          { errors: [{ field: null, message: "too many requests" }] },
          {
            status: 429,
            headers: {
              "X-RateLimit-Limit": "600",
              "X-RateLimit-Remaining": "0",
              "X-RateLimit-Reset": String(now / 1000 + 30),
            },
          },
        ),
      ),
    );
    const error = await (await mailer({ clock })).send(minimalMessage).catch((e) => e);
    expect(error).toMatchObject({ code: "RATE_LIMITED", status: 429, retryable: true, retryAfterMs: 30_000 });
    expect(error.message).toContain("too many requests");
    expect(findSecret(error, [API_KEY])).toBeUndefined();
  });

  it("cancels the HTTP request when the core's signal aborts", async () => {
    // MSW's http interceptor does not report an axios abort to the handler, so this checks the transport
    // itself: with a server that never answers, only the signal can settle the send.
    const reached = deferred();
    server.use(
      http.post(`${API}/v3/mail/send`, async () => {
        reached.resolve();
        await delay("infinite");
        return new HttpResponse(null, { status: 202 });
      }),
    );
    const transport = await sendgridProvider.create(
      { apiKey: API_KEY },
      { timeoutMs: 60_000, now: Date.now },
    );
    const controller = new AbortController();
    const message = normalizeMessage(minimalMessage, { address: "possy@posseparty.example" });
    const send = transport
      .send(message, { signal: controller.signal, attempt: 1, requestStarting: async () => {} })
      .catch((e) => e);
    await reached.promise;
    controller.abort();
    const error = await send;
    expect(error).toBeInstanceOf(MailError);
    expect(error.cause).toMatchObject({ code: "ERR_CANCELED" });
  });

  it("gives each request in flight its own signal: aborting one leaves the others running", async () => {
    // The SDK takes a signal only as a client default; one client serves every call of the mailer.
    const reached: ReturnType<typeof deferred>[] = [deferred(), deferred()];
    const release = deferred();
    let requests = 0;
    server.use(
      http.post(`${API}/v3/mail/send`, async () => {
        reached[requests++]?.resolve();
        await release.promise;
        return new HttpResponse(null, { status: 202, headers: { "X-Message-Id": MESSAGE_ID } });
      }),
    );
    const transport = await sendgridProvider.create(
      { apiKey: API_KEY },
      { timeoutMs: 60_000, now: Date.now },
    );
    const message = normalizeMessage(minimalMessage, { address: "possy@posseparty.example" });
    const first = new AbortController();
    const second = new AbortController();
    const sendFirst = transport
      .send(message, { signal: first.signal, attempt: 1, requestStarting: async () => {} })
      .catch((e) => e);
    await reached[0]!.promise;
    const sendSecond = transport
      .send(message, { signal: second.signal, attempt: 1, requestStarting: async () => {} })
      .catch((e) => e);
    await reached[1]!.promise;
    first.abort();
    expect((await sendFirst).cause).toMatchObject({ code: "ERR_CANCELED" });
    release.resolve();
    await expect(sendSecond).resolves.toEqual({ messageId: MESSAGE_ID });
  });

  it("verifies the key by listing its scopes", async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${API}/v3/scopes`, ({ request }) => {
        seen.push(request.headers.get("authorization") ?? "");
        return HttpResponse.json({ scopes: ["mail.send"] });
      }),
    );
    await expect((await mailer()).verify()).resolves.toBeUndefined();
    expect(seen).toEqual([`Bearer ${API_KEY}`]);
    server.use(
      http.get(`${API}/v3/scopes`, () =>
        HttpResponse.json({ errors: [{ field: null, message: "authorization required" }] }, { status: 401 }),
      ),
    );
    const error = await (await mailer()).verify().catch((e) => e);
    expect(error).toMatchObject({ code: "AUTH", provider: "sendgrid", status: 401 });
    expect(findSecret(error, [API_KEY])).toBeUndefined();
  });
});
