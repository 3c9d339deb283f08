// Contract tests: MSW stands in for https://api.resend.com at the network layer and checks each
// request as Resend's API reference defines it (POST /emails, Bearer auth, snake_case JSON body).
import { fileURLToPath } from "node:url";
import { type CreateMailerOptions, MailError } from "@posse/mail-core";
import {
  type CapturedRequest,
  captureJsonRequest,
  createContractMailer,
  findSecret,
  fullMessage,
  minimalMessage,
  PDF_BYTES,
  PNG_BYTES,
} from "@posse/mail-core/testing";
import { describeProviderConformance, readMailbox } from "@posse/mail-testkit";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { resendProvider } from "../src/index.js";

const API = "https://api.resend.com";
const API_KEY = "re_contract_SECRET_5f1c";
const server = setupServer();

function captureSend(status = 200, body: unknown = { id: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c" }) {
  const captured: CapturedRequest[] = [];
  server.use(
    http.post(`${API}/emails`, async ({ request }) => {
      captured.push(await captureJsonRequest(request));
      return HttpResponse.json(body as never, { status });
    }),
  );
  return captured;
}

const mailer = (options: Partial<CreateMailerOptions> = {}) =>
  createContractMailer(resendProvider, { apiKey: API_KEY }, options);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.unstubAllEnvs();
});
afterAll(() => server.close());

const ERROR_NAMES: Record<number, string> = {
  401: "missing_api_key",
  403: "invalid_api_key",
  429: "rate_limit_exceeded",
};

// What every provider must do (fields carried or refused, hostile names, the error matrix, refused and reset
// connections, timeout, abort, MAIL_RETRY_ATTEMPTS, no 2xx taken for a receipt, detection, lazy SDK).
describeProviderConformance({
  definition: resendProvider,
  config: { apiKey: API_KEY },
  withEndpoint: (origin) => ({ apiKey: API_KEY, endpoint: origin }),
  // The SDK calls Node's fetch: its dispatcher runs requestStarting when fetch hands the request over.
  startsBeforeConnecting: true,
  env: { RESEND_API_KEY: API_KEY },
  secrets: [API_KEY],
  server,
  sendUrl: `${API}/emails`,
  success: () => HttpResponse.json({ id: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c" }),
  messageId: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c",
  failure: (status, text, headers) =>
    HttpResponse.json(
      {
        statusCode: status,
        name: ERROR_NAMES[status] ?? (status >= 500 ? "internal_server_error" : "validation_error"),
        message: text,
      },
      { status, headers },
    ),
  addresses: (request) => {
    const body = JSON.parse(request.text) as { from: string; to: string[] };
    return { from: readMailbox(body.from), to: body.to.map(readMailbox) };
  },
  abortsRequest: true,
  sdk: {
    entries: ["index.js", "index.cjs"].map((file) =>
      fileURLToPath(new URL(`../dist/${file}`, import.meta.url)),
    ),
    module: "/node_modules/resend/",
  },
});

describe("resend contract", () => {
  it("sends a minimal message as a minimal request", async () => {
    const captured = captureSend();
    const receipt = await (await mailer()).send(minimalMessage);
    expect(receipt).toEqual({ provider: "resend", messageId: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c" });
    expect(captured).toHaveLength(1);
    const [request] = captured;
    expect(request!.method).toBe("POST");
    expect(request!.url).toBe(`${API}/emails`);
    expect(request!.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
    expect(request!.headers.get("content-type")).toBe("application/json");
    expect(request!.headers.get("user-agent")).toMatch(/^resend-node:/);
    expect(request!.headers.has("idempotency-key")).toBe(false);
    expect(request!.body).toEqual({
      from: "Possy <possy@posseparty.example>",
      to: ["ann@example.com"],
      subject: "Hello",
      text: "Hi Ann",
    });
  });

  it("sends every field of a full message", async () => {
    const captured = captureSend();
    await (await mailer()).send({ ...fullMessage, idempotencyKey: "login-42-1" });
    const [request] = captured;
    expect(request!.headers.get("idempotency-key")).toBe("login-42-1");
    expect(request!.body).toEqual({
      from: '"«Possy» Party" <possy@posseparty.example>',
      to: ['"Doe, Ann \\"Annie\\"" <ann@example.com>', "bob@example.com"],
      cc: ['"Carol Ünïcode" <carol@example.com>'],
      bcc: ["dave@example.com"],
      reply_to: ['"Support, Team" <support@posseparty.example>'],
      subject: "Sign in to POSSE Party ✓ — ünïcødé",
      text: "Your link: https://posseparty.example/login/abc",
      html: '<p>Your <a href="https://posseparty.example/login/abc">link</a> <img src="cid:logo@posse"></p>',
      headers: { "X-Entity-Ref-ID": "ref-123" },
      attachments: [
        {
          filename: "report.pdf",
          content: Buffer.from(PDF_BYTES).toString("base64"),
          content_type: "application/pdf",
        },
        {
          filename: "logo.png",
          content: Buffer.from(PNG_BYTES).toString("base64"),
          content_type: "image/png",
          content_id: "logo@posse",
        },
      ],
      tags: [
        { name: "login", value: "true" },
        { name: "user_id", value: "42" },
      ],
    });
  });

  it("labels a string attachment's content_type with charset=utf-8, as its bytes are", async () => {
    const captured = captureSend();
    await (await mailer()).send({
      ...minimalMessage,
      attachments: [
        { filename: "notes.txt", content: "Grüße ✓" },
        { filename: "page.html", content: "<p>Grüße</p>", contentType: "text/html" },
      ],
    });
    expect((captured[0]!.body as { attachments: unknown }).attachments).toEqual([
      {
        filename: "notes.txt",
        content: Buffer.from("Grüße ✓").toString("base64"),
        content_type: "text/plain; charset=utf-8",
      },
      {
        filename: "page.html",
        content: Buffer.from("<p>Grüße</p>").toString("base64"),
        content_type: "text/html; charset=utf-8",
      },
    ]);
  });

  it.each([
    ["endpoint", { endpoint: "http://resend-proxy.example" }, {}],
    ["RESEND_BASE_URL", {}, { RESEND_BASE_URL: "http://resend-proxy.example" }],
  ])("refuses a plain-http base URL on another host from %s with CONFIG", async (named, config, env) => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    let requests = 0;
    server.use(
      http.all("http://resend-proxy.example/*", () => {
        requests += 1;
        return HttpResponse.json({ id: "stolen" });
      }),
    );
    const error = await createContractMailer(resendProvider, { apiKey: API_KEY, ...config }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "resend" });
    expect(error.message).toContain(named);
    expect(error.message).not.toContain("resend-proxy.example");
    expect(findSecret(error, [API_KEY])).toBeUndefined();
    expect(requests).toBe(0);
  });

  it("follows RESEND_BASE_URL over https, as the SDK does", async () => {
    vi.stubEnv("RESEND_BASE_URL", "https://resend-gateway.example");
    const seen: string[] = [];
    server.use(
      http.post("https://resend-gateway.example/emails", ({ request }) => {
        seen.push(request.url);
        return HttpResponse.json({ id: "via-gateway" });
      }),
    );
    await expect((await mailer()).send(minimalMessage)).resolves.toMatchObject({ messageId: "via-gateway" });
    expect(seen).toEqual(["https://resend-gateway.example/emails"]);
  });

  it("refuses tags Resend cannot carry before any request", async () => {
    const captured = captureSend();
    const error = await (await mailer()).send({ ...minimalMessage, tags: ["has space"] }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "UNSUPPORTED", field: "tags[0]", provider: "resend" });
    expect(captured).toHaveLength(0);
  });

  const failures: [string, number, Record<string, unknown>, Record<string, string>, Partial<MailError>][] = [
    [
      "missing key",
      401,
      { name: "missing_api_key", message: "Missing API key in the authorization header" },
      {},
      { code: "AUTH", retryable: false },
    ],
    ["invalid key", 403, { name: "invalid_api_key", message: "API key is invalid" }, {}, { code: "AUTH" }],
    [
      "testing domain",
      403,
      { name: "validation_error", message: "You can only send testing emails to your own email address" },
      {},
      { code: "REJECTED" },
    ],
    [
      "validation",
      422,
      { name: "validation_error", message: "Invalid `to` field." },
      {},
      { code: "REJECTED", retryable: false },
    ],
  ];

  it.each(failures)("maps %s (HTTP %i) to a MailError", async (_, status, body, headers, expected) => {
    server.use(
      http.post(`${API}/emails`, () =>
        HttpResponse.json({ statusCode: status, ...body }, { status, headers }),
      ),
    );
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ provider: "resend", status, ...expected });
    expect(error.message).toContain(String(body.message));
    expect(findSecret(error, [API_KEY])).toBeUndefined();
  });

  it("maps a non-JSON 502 to UNAVAILABLE", async () => {
    server.use(
      http.post(`${API}/emails`, () => new HttpResponse("<html>Bad gateway</html>", { status: 502 })),
    );
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toMatchObject({ code: "UNAVAILABLE", status: 502, retryable: true });
  });

  it("verifies the key by listing domains, accepting a sending-only key", async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${API}/domains`, ({ request }) => {
        seen.push(request.headers.get("authorization") ?? "");
        return HttpResponse.json(
          {
            statusCode: 401,
            name: "restricted_api_key",
            message: "This API key is restricted to only send emails",
          },
          { status: 401 },
        );
      }),
    );
    await expect((await mailer()).verify()).resolves.toBeUndefined();
    expect(seen).toEqual([`Bearer ${API_KEY}`]);
    server.use(
      http.get(`${API}/domains`, () =>
        HttpResponse.json(
          { statusCode: 403, name: "invalid_api_key", message: "API key is invalid" },
          { status: 403 },
        ),
      ),
    );
    await expect((await mailer()).verify()).rejects.toMatchObject({ code: "AUTH", provider: "resend" });
  });
});
