// Contract tests: MSW stands in for https://api.brevo.com/v3 at the network layer and checks each
// request as Brevo's API reference defines it (POST /v3/smtp/email, `api-key` header, camelCase JSON body).
import { fileURLToPath } from "node:url";
import { type CreateMailerOptions, type MailAddress, MailError, type Mailer } from "@posse/mail-core";
import {
  type CapturedRequest,
  captureJsonRequest,
  createContractMailer,
  createFakeClock,
  findSecret,
  fullMessage,
  minimalMessage,
  PDF_BYTES,
} from "@posse/mail-core/testing";
import { describeProviderConformance } from "@posse/mail-testkit";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { brevoProvider } from "../src/index.js";

const API = "https://api.brevo.com/v3";
const API_KEY = "xkeysib-contract-SECRET-5f1c";
const MESSAGE_ID = "<202601010000.12345678901@smtp-relay.mailin.fr>";
const server = setupServer();

function captureSend(status = 201, body: unknown = { messageId: MESSAGE_ID }, headers = {}) {
  const captured: CapturedRequest[] = [];
  server.use(
    http.post(`${API}/smtp/email`, async ({ request }) => {
      captured.push(await captureJsonRequest(request));
      return HttpResponse.json(body as never, { status, headers });
    }),
  );
  return captured;
}

const mailer = (options: Partial<CreateMailerOptions> = {}) =>
  createContractMailer(brevoProvider, { apiKey: API_KEY }, options);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

type Email = { email: string; name?: string };
const address = ({ email, name }: Email): MailAddress =>
  name === undefined ? { address: email } : { address: email, name };

// What every provider must do (fields carried or refused, hostile names, the error matrix, refused and reset
// connections, timeout, abort, MAIL_RETRY_ATTEMPTS, no 2xx taken for a receipt, detection, lazy SDK).
describeProviderConformance({
  definition: brevoProvider,
  config: { apiKey: API_KEY },
  withEndpoint: (origin) => ({ apiKey: API_KEY, endpoint: `${origin}/v3` }),
  env: { BREVO_API_KEY: API_KEY },
  secrets: [API_KEY],
  server,
  sendUrl: `${API}/smtp/email`,
  success: () => HttpResponse.json({ messageId: MESSAGE_ID }, { status: 201 }),
  messageId: MESSAGE_ID,
  failure: (status, text, headers) =>
    HttpResponse.json({ code: "invalid_parameter", message: text }, { status, headers }),
  addresses: (request) => {
    const body = JSON.parse(request.text) as { sender: Email; to: Email[] };
    return { from: address(body.sender), to: body.to.map(address) };
  },
  // Brevo asks for a UUID: the key travels as its version 5 UUID (Python's uuid.uuid5 with the namespace
  // 981c0a99-b512-4bea-a059-692dcae2ef03 gives this one).
  carriedAs: { idempotencyKey: () => "a92e5e32-ae53-5f93-b571-286fa58f3326" },
  // Sent with node:http/https (core's requestCapped), whose abort MSW does not report; the real-socket checks
  // of the suite prove that a timeout and the caller's abort close the socket.
  abortsRequest: false,
  sdk: {
    entries: ["index.js", "index.cjs"].map((file) =>
      fileURLToPath(new URL(`../dist/${file}`, import.meta.url)),
    ),
    module: "/node_modules/@getbrevo/brevo/",
  },
});

describe("brevo contract", () => {
  it("sends a minimal message as a minimal request", async () => {
    const captured = captureSend();
    const receipt = await (await mailer()).send(minimalMessage);
    expect(receipt).toEqual({ provider: "brevo", messageId: MESSAGE_ID });
    expect(captured).toHaveLength(1);
    const [request] = captured;
    expect(request!.method).toBe("POST");
    expect(request!.url).toBe(`${API}/smtp/email`);
    expect(request!.headers.get("api-key")).toBe(API_KEY);
    expect(request!.headers.has("authorization")).toBe(false);
    expect(request!.headers.get("content-type")).toBe("application/json");
    expect(request!.body).toEqual({
      sender: { email: "possy@posseparty.example", name: "Possy" },
      to: [{ email: "ann@example.com" }],
      subject: "Hello",
      textContent: "Hi Ann",
    });
  });

  it("sends every field of a full message Brevo can carry", async () => {
    const captured = captureSend();
    await (await mailer()).send({
      ...fullMessage,
      // Brevo has no inline parts: the logo (with a contentId) is refused in its own test below.
      attachments: fullMessage.attachments!.slice(0, 1),
      idempotencyKey: "login-42-1",
    });
    const [request] = captured;
    expect(request!.body).toEqual({
      sender: { email: "possy@posseparty.example", name: "«Possy» Party" },
      to: [{ email: "ann@example.com", name: 'Doe, Ann "Annie"' }, { email: "bob@example.com" }],
      cc: [{ email: "carol@example.com", name: "Carol Ünïcode" }],
      bcc: [{ email: "dave@example.com" }],
      replyTo: { email: "support@posseparty.example", name: "Support, Team" },
      subject: "Sign in to POSSE Party ✓ — ünïcødé",
      textContent: "Your link: https://posseparty.example/login/abc",
      htmlContent:
        '<p>Your <a href="https://posseparty.example/login/abc">link</a> <img src="cid:logo@posse"></p>',
      headers: {
        "X-Entity-Ref-ID": "ref-123",
        "X-Mailin-custom": '{"user_id":"42"}',
        // Brevo asks for a UUID: "login-42-1" travels as its version 5 UUID (see the idempotency test).
        idempotencyKey: "f97f38e9-3fe7-58cf-8978-144447410ae1",
      },
      attachment: [{ name: "report.pdf", content: Buffer.from(PDF_BYTES).toString("base64") }],
      tags: ["login"],
    });
  });

  it("sends a UUID idempotency key unchanged and any other key as a stable UUID", async () => {
    const captured = captureSend();
    const keyOf = (request: CapturedRequest) =>
      (request.body as { headers: Record<string, string> }).headers.idempotencyKey;
    const uuid = "0B8E8A64-5B7C-4A8E-9F0D-2C1E3A4B5C6D";
    await (await mailer()).send({ ...minimalMessage, idempotencyKey: uuid });
    // Known answers from an independent RFC 9562 implementation (Python's uuid.uuid5) with the
    // provider's namespace 981c0a99-b512-4bea-a059-692dcae2ef03.
    await (await mailer()).send({ ...minimalMessage, idempotencyKey: "order-7/confirm" });
    await (await mailer()).send({ ...minimalMessage, idempotencyKey: "order-7/confirm" });
    await (await mailer()).send({ ...minimalMessage, idempotencyKey: "welcome-user/42@2026-12-02#1" });
    expect(captured.map(keyOf)).toEqual([
      uuid,
      "5afa2210-b727-5be3-b851-6734d0bdebe0",
      "5afa2210-b727-5be3-b851-6734d0bdebe0",
      "236fc4bb-7edc-553b-ab61-1ca71fb47fbc",
    ]);
    // Nothing else carries the key: Brevo reads only headers.idempotencyKey.
    expect(captured.every((request) => !JSON.stringify(request.body).includes("order-7"))).toBe(true);
    expect(captured.every((request) => !request.headers.has("idempotency-key"))).toBe(true);
  });

  const html = (status: number) => () =>
    new Response("<html><body>Sign in to the Wi-Fi</body></html>", {
      status,
      headers: { "content-type": "text/html" },
    });
  const notAcceptances: [string, () => Response][] = [
    ["201 text/html", html(201)],
    ["200 text/html (a captive portal's page)", html(200)],
    ["201 {}", () => HttpResponse.json({}, { status: 201 })],
  ];

  it.each(notAcceptances)("reports %s as UNKNOWN with an unknown outcome, sent once", async (_, answer) => {
    let requests = 0;
    server.use(
      http.post(`${API}/smtp/email`, () => {
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
      provider: "brevo",
      outcomeUnknown: true,
      retryable: false,
    });
    expect(error.message).toContain("without a messageId");
    expect(requests).toBe(1);
  });

  const refused: [string, Parameters<Mailer["send"]>[0]][] = [
    ["replyTo", { ...minimalMessage, replyTo: ["one@posseparty.example", "two@posseparty.example"] }],
    ["attachments[1].contentId", { ...minimalMessage, attachments: fullMessage.attachments }],
    [
      "attachments[0].contentType",
      {
        ...minimalMessage,
        attachments: [{ filename: "report.pdf", content: PDF_BYTES, contentType: "text/plain" }],
      },
    ],
    [
      "attachments[0].filename",
      { ...minimalMessage, attachments: [{ filename: "setup.exe", content: "x" }] },
    ],
    ["metadata", { ...minimalMessage, headers: { "X-Mailin-Custom": "mine" }, metadata: { a: "1" } }],
  ];

  it.each(refused)("refuses %s before any request", async (field, message) => {
    const captured = captureSend();
    const error = await (await mailer()).send(message).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "UNSUPPORTED", field, provider: "brevo" });
    expect(captured).toHaveLength(0);
  });

  it("sends string attachments as UTF-8 bytes, labelled by Brevo from the extension", async () => {
    // The core labels string content text/plain; charset=utf-8. Brevo has no content-type field, so that
    // label cannot travel; it must not make a .csv or .ics refused as a mismatch either.
    const captured = captureSend();
    await (await mailer()).send({
      ...minimalMessage,
      attachments: [
        { filename: "Grüße.csv", content: "name,city\nJürgen,Köln\n" },
        {
          filename: "invite.ics",
          content: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
          contentType: "text/calendar",
        },
      ],
    });
    expect((captured[0]!.body as { attachment: unknown }).attachment).toEqual([
      { name: "Grüße.csv", content: Buffer.from("name,city\nJürgen,Köln\n", "utf8").toString("base64") },
      { name: "invite.ics", content: Buffer.from("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n").toString("base64") },
    ]);
  });

  it("accepts a content type that matches the extension, or says nothing (octet-stream)", async () => {
    const captured = captureSend();
    await (await mailer()).send({
      ...minimalMessage,
      attachments: [
        { filename: "notes.TXT", content: "a", contentType: "text/plain; charset=utf-8" },
        { filename: "data.csv", content: "b", contentType: "application/octet-stream" },
      ],
    });
    expect((captured[0]!.body as { attachment: unknown }).attachment).toEqual([
      { name: "notes.TXT", content: Buffer.from("a").toString("base64") },
      { name: "data.csv", content: Buffer.from("b").toString("base64") },
    ]);
  });

  const failures: [string, number, Record<string, unknown>, Record<string, string>, Partial<MailError>][] = [
    [
      "invalid parameter",
      400,
      { code: "invalid_parameter", message: "email is not valid in to" },
      {},
      { code: "REJECTED", retryable: false },
    ],
    [
      "reused idempotency key",
      400,
      { code: "duplicate_parameter", message: "Duplicate idempotency key" },
      {},
      { code: "REJECTED", retryable: false },
    ],
    [
      "bad key",
      401,
      { code: "unauthorized", message: "Key not found" },
      {},
      { code: "AUTH", retryable: false },
    ],
    [
      "unknown IP",
      403,
      { code: "permission_denied", message: "unrecognised IP address" },
      {},
      { code: "AUTH" },
    ],
    [
      "rate limit",
      429,
      { code: "too_many_requests", message: "The expected rate limit is exceeded." },
      { "x-sib-ratelimit-limit": "1000", "x-sib-ratelimit-remaining": "0", "x-sib-ratelimit-reset": "3" },
      { code: "RATE_LIMITED", retryable: true, retryAfterMs: 3000 },
    ],
  ];

  it.each(failures)("maps %s (HTTP %i) to a MailError", async (_, status, body, headers, expected) => {
    captureSend(status, body, headers);
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ provider: "brevo", status, ...expected });
    expect(error.message).toContain(String(body.message));
    expect(error.message).toContain(String(body.code));
    expect(findSecret(error, [API_KEY])).toBeUndefined();
  });

  it("honours Retry-After over Brevo's reset header", async () => {
    captureSend(
      429,
      { code: "too_many_requests", message: "slow down" },
      {
        "retry-after": "7",
        "x-sib-ratelimit-reset": "3",
      },
    );
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 7000 });
  });

  it("maps a non-JSON 502 to UNAVAILABLE", async () => {
    server.use(
      http.post(`${API}/smtp/email`, () => new HttpResponse("<html>Bad gateway</html>", { status: 502 })),
    );
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toMatchObject({ code: "UNAVAILABLE", status: 502, retryable: true });
    expect(error.message).toContain("Bad gateway");
  });

  it("sends to a configured endpoint", async () => {
    const urls: string[] = [];
    server.use(
      http.post("https://brevo-proxy.example/v3/smtp/email", ({ request }) => {
        urls.push(request.url);
        return HttpResponse.json({ messageId: MESSAGE_ID }, { status: 201 });
      }),
    );
    const proxied = await mailer({
      providers: {
        definition: brevoProvider,
        config: { apiKey: API_KEY, endpoint: "https://brevo-proxy.example/v3" },
      },
    });
    await proxied.send(minimalMessage);
    expect(urls).toEqual(["https://brevo-proxy.example/v3/smtp/email"]);
  });

  it("verifies the key by reading the account", async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${API}/account`, ({ request }) => {
        seen.push(request.headers.get("api-key") ?? "");
        return HttpResponse.json({ email: "owner@posseparty.example", companyName: "POSSE", plan: [] });
      }),
    );
    await expect((await mailer()).verify()).resolves.toBeUndefined();
    expect(seen).toEqual([API_KEY]);
    server.use(
      http.get(`${API}/account`, () =>
        HttpResponse.json({ code: "unauthorized", message: "Key not found" }, { status: 401 }),
      ),
    );
    const error = await (await mailer()).verify().catch((e) => e);
    expect(error).toMatchObject({ code: "AUTH", provider: "brevo", status: 401 });
    expect(findSecret(error, [API_KEY])).toBeUndefined();
  });
});
