// Contract tests: MSW stands in for https://api.mailjet.com at the network layer and checks each request
// as Mailjet's Send API v3.1 reference defines it (POST /v3.1/send, Basic auth, PascalCase `Messages[]`).
import { fileURLToPath } from "node:url";
import { type CreateMailerOptions, type MailAddress, MailError, type Mailer } from "@posse/mail-core";
import { IDEMPOTENCY_HEADER } from "@posse/mail-core/provider";
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
import { describeProviderConformance } from "@posse/mail-testkit";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mailjetProvider } from "../src/index.js";

const API = "https://api.mailjet.com";
const API_KEY = "mj-public-contract-5f1c";
const API_SECRET = "mj-private-contract-SECRET-9a7e";
const BASIC = `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString("base64")}`;
const SECRETS = [API_SECRET, BASIC.slice("Basic ".length)];
// A 64-bit id beyond Number.MAX_SAFE_INTEGER, as raw JSON: it must survive parsing digit for digit.
const MESSAGE_ID = "1152921504606846977";
const SUCCESS = `{"Messages":[{"Status":"success","CustomID":"","To":[{"Email":"ann@example.com","MessageUUID":"1ab23cd4-e567-8901-2345-6789f0gh1i2j","MessageID":${MESSAGE_ID},"MessageHref":"https://api.mailjet.com/v3/REST/message/${MESSAGE_ID}"}],"Cc":[],"Bcc":[]}]}`;
const server = setupServer();

function json(body: unknown, status: number, headers: Record<string, string> = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return new HttpResponse(text, { status, headers: { "Content-Type": "application/json", ...headers } });
}

function captureSend(status = 200, body: unknown = SUCCESS, headers: Record<string, string> = {}) {
  const captured: CapturedRequest[] = [];
  server.use(
    http.post(`${API}/v3.1/send`, async ({ request }) => {
      captured.push(await captureJsonRequest(request));
      return json(body, status, headers);
    }),
  );
  return captured;
}

const mailer = (options: Partial<CreateMailerOptions> = {}) =>
  createContractMailer(mailjetProvider, { apiKey: API_KEY, apiSecret: API_SECRET }, options);

function withEndpoint(endpoint: string): Promise<Mailer> {
  return mailer({
    providers: { definition: mailjetProvider, config: { apiKey: API_KEY, apiSecret: API_SECRET, endpoint } },
  });
}

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

type Email = { Email: string; Name?: string };
const address = ({ Email, Name }: Email): MailAddress =>
  Name === undefined ? { address: Email } : { address: Email, name: Name };

// What every provider must do (fields carried or refused, hostile names, the error matrix, refused and reset
// connections, timeout, abort, MAIL_RETRY_ATTEMPTS, no 2xx taken for a receipt, detection, lazy SDK).
describeProviderConformance({
  definition: mailjetProvider,
  config: { apiKey: API_KEY, apiSecret: API_SECRET },
  withEndpoint: (origin) => ({ apiKey: API_KEY, apiSecret: API_SECRET, endpoint: origin }),
  env: { MAILJET_API_KEY: API_KEY, MAILJET_API_SECRET: API_SECRET },
  secrets: SECRETS,
  server,
  sendUrl: `${API}/v3.1/send`,
  success: () => json(SUCCESS, 200),
  messageId: MESSAGE_ID,
  failure: (status, text, headers) =>
    json(
      { ErrorIdentifier: "e-1", ErrorCode: "mj-0002", StatusCode: status, ErrorMessage: text },
      status,
      headers,
    ),
  addresses: (request) => {
    const body = JSON.parse(request.text) as { Messages: { From: Email; To: Email[] }[] };
    return { from: address(body.Messages[0]!.From), to: body.Messages[0]!.To.map(address) };
  },
  // Sent with node:https, whose abort MSW does not report; the real-socket checks of the suite prove that a
  // timeout and the caller's abort close the socket.
  abortsRequest: false,
  sdk: {
    entries: ["index.js", "index.cjs"].map((file) =>
      fileURLToPath(new URL(`../dist/${file}`, import.meta.url)),
    ),
    module: "/node_modules/node-mailjet/",
  },
});

describe("mailjet contract", () => {
  it("sends a minimal message as a minimal request", async () => {
    const captured = captureSend();
    const receipt = await (await mailer()).send(minimalMessage);
    expect(receipt).toEqual({ provider: "mailjet", messageId: MESSAGE_ID });
    expect(captured).toHaveLength(1);
    const [request] = captured;
    expect(request!.method).toBe("POST");
    expect(request!.url).toBe(`${API}/v3.1/send`);
    expect(request!.headers.get("authorization")).toBe(BASIC);
    expect(request!.headers.get("content-type")).toBe("application/json");
    expect(request!.headers.get("user-agent")).toMatch(/^mailjet-api-v3-nodejs\//);
    expect(request!.body).toEqual({
      Messages: [
        {
          From: { Email: "possy@posseparty.example", Name: "Possy" },
          To: [{ Email: "ann@example.com" }],
          Subject: "Hello",
          TextPart: "Hi Ann",
        },
      ],
    });
  });

  it("sends every field of a full message", async () => {
    const captured = captureSend();
    await (await mailer()).send({ ...fullMessage, idempotencyKey: "login-42-1" });
    const [request] = captured;
    expect(request!.body).toEqual({
      Messages: [
        {
          From: { Email: "possy@posseparty.example", Name: "«Possy» Party" },
          To: [{ Email: "ann@example.com", Name: 'Doe, Ann "Annie"' }, { Email: "bob@example.com" }],
          Cc: [{ Email: "carol@example.com", Name: "Carol Ünïcode" }],
          Bcc: [{ Email: "dave@example.com" }],
          ReplyTo: { Email: "support@posseparty.example", Name: "Support, Team" },
          Subject: "Sign in to POSSE Party ✓ — ünïcødé",
          TextPart: "Your link: https://posseparty.example/login/abc",
          HTMLPart:
            '<p>Your <a href="https://posseparty.example/login/abc">link</a> <img src="cid:logo@posse"></p>',
          Headers: { "X-Entity-Ref-ID": "ref-123", [IDEMPOTENCY_HEADER]: "login-42-1" },
          Attachments: [
            {
              ContentType: "application/pdf",
              Filename: "report.pdf",
              Base64Content: Buffer.from(PDF_BYTES).toString("base64"),
            },
          ],
          InlinedAttachments: [
            {
              ContentType: "image/png",
              Filename: "logo.png",
              Base64Content: Buffer.from(PNG_BYTES).toString("base64"),
              ContentID: "logo@posse",
            },
          ],
          CustomCampaign: "login",
          EventPayload: '{"user_id":"42"}',
          CustomID: "login-42-1",
        },
      ],
    });
  });

  it("labels a byte attachment without a content type as generic binary (Mailjet requires one)", async () => {
    const captured = captureSend();
    await (await mailer()).send({
      ...minimalMessage,
      attachments: [{ filename: "blob.bin", content: new Uint8Array([0x61]) }],
    });
    expect((captured[0]!.body as { Messages: { Attachments: unknown }[] }).Messages[0]!.Attachments).toEqual([
      { ContentType: "application/octet-stream", Filename: "blob.bin", Base64Content: "YQ==" },
    ]);
  });

  it("labels a string attachment as UTF-8 text, charset included", async () => {
    const captured = captureSend();
    await (await mailer()).send({
      ...minimalMessage,
      attachments: [
        { filename: "notes.txt", content: "Grüße ✓" },
        { filename: "given.txt", content: PDF_BYTES, contentType: "text/plain; charset=iso-8859-1" },
      ],
    });
    expect((captured[0]!.body as { Messages: { Attachments: unknown }[] }).Messages[0]!.Attachments).toEqual([
      {
        ContentType: "text/plain; charset=utf-8",
        Filename: "notes.txt",
        Base64Content: Buffer.from("Grüße ✓").toString("base64"),
      },
      {
        ContentType: "text/plain; charset=iso-8859-1",
        Filename: "given.txt",
        Base64Content: Buffer.from(PDF_BYTES).toString("base64"),
      },
    ]);
  });

  // Both ids are above 2^53: a double holds neither (JSON.parse gives ...744 and ...976).
  it.each(["288230376151711745", "1152921504606846977"])(
    "returns the 64-bit MessageID %s digit for digit",
    async (id) => {
      const body = SUCCESS.replaceAll(MESSAGE_ID, id);
      expect(String(JSON.parse(body).Messages[0].To[0].MessageID)).not.toBe(id);
      captureSend(200, body);
      const receipt = await (await mailer()).send(minimalMessage);
      expect(receipt).toEqual({ provider: "mailjet", messageId: id });
    },
  );

  const notSent: [string, string, string][] = [
    ["a captive portal's HTML page", "text/html; charset=utf-8", "<html><body>Please log in</body></html>"],
    ["an empty JSON object", "application/json", "{}"],
    ["a success without a MessageID", "application/json", '{"Messages":[{"Status":"success","To":[]}]}'],
  ];

  it.each(notSent)("reports a 200 with %s as UNKNOWN, outcome unknown, never sent", async (_, type, body) => {
    server.use(
      http.post(
        `${API}/v3.1/send`,
        () => new HttpResponse(body, { status: 200, headers: { "Content-Type": type } }),
      ),
    );
    const sent: unknown[] = [];
    const error = await (await mailer({ hooks: { onSent: (event) => void sent.push(event) } }))
      .send(minimalMessage)
      .catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "UNKNOWN", provider: "mailjet", status: 200, outcomeUnknown: true });
    expect(sent).toEqual([]);
  });

  const refused: [string, Parameters<Mailer["send"]>[0]][] = [
    ["replyTo", { ...minimalMessage, replyTo: ["one@posseparty.example", "two@posseparty.example"] }],
    ["tags", { ...minimalMessage, tags: ["login", "security"] }],
  ];

  it.each(refused)("refuses %s before any request", async (field, message) => {
    const captured = captureSend();
    const error = await (await mailer()).send(message).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "UNSUPPORTED", field, provider: "mailjet" });
    expect(captured).toHaveLength(0);
  });

  const perMessage = {
    Messages: [
      {
        Status: "error",
        Errors: [
          {
            ErrorIdentifier: "f987008f-251a-4dff-8ffc-40f1583ad7bc",
            ErrorCode: "mj-0013",
            StatusCode: 400,
            ErrorMessage: '"ann@example" is an invalid email address.',
            ErrorRelatedTo: ["To[0].Email"],
          },
        ],
      },
    ],
  };

  it("maps a per-message error on HTTP 400 to REJECTED with Mailjet's message and field", async () => {
    captureSend(400, perMessage);
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toMatchObject({ code: "REJECTED", provider: "mailjet", status: 400, retryable: false });
    expect(error.message).toContain('"ann@example" is an invalid email address.');
    expect(error.message).toContain("mj-0013");
    expect(error.message).toContain("To[0].Email");
    expect(findSecret(error, SECRETS)).toBeUndefined();
  });

  it("maps a per-message error inside an HTTP 200 to REJECTED", async () => {
    captureSend(200, perMessage);
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toMatchObject({ code: "REJECTED", provider: "mailjet", status: 400 });
    expect(error.message).toContain("To[0].Email");
  });

  const failures: [string, number, Record<string, unknown>, Record<string, string>, Partial<MailError>][] = [
    [
      "malformed request",
      400,
      {
        ErrorIdentifier: "06df1144-c6f3-4ca7-8885-7ec5d4344113",
        ErrorCode: "mj-0002",
        StatusCode: 400,
        ErrorMessage: "Malformed JSON, please review the syntax and properties types.",
      },
      {},
      { code: "REJECTED", retryable: false },
    ],
    [
      "wrong key pair",
      401,
      {
        ErrorMessage:
          "API key authentication/authorization failure. You may be unauthorized to access the API or your API key may be expired. Visit API keys management section to check your keys.",
        StatusCode: 401,
      },
      {},
      { code: "AUTH", retryable: false },
    ],
    [
      "forbidden",
      403,
      { ErrorMessage: "Access to this resource is forbidden", StatusCode: 403 },
      {},
      { code: "AUTH" },
    ],
  ];

  it.each(failures)("maps %s (HTTP %i) to a MailError", async (_, status, body, headers, expected) => {
    captureSend(status, body, headers);
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ provider: "mailjet", status, ...expected });
    expect(error.message).toContain(String(body.ErrorMessage));
    expect(findSecret(error, SECRETS)).toBeUndefined();
  });

  it("maps an empty 401 to AUTH", async () => {
    server.use(http.post(`${API}/v3.1/send`, () => new HttpResponse(null, { status: 401 })));
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toMatchObject({ code: "AUTH", status: 401 });
    expect(findSecret(error, SECRETS)).toBeUndefined();
  });

  it("maps a non-JSON 502 to UNAVAILABLE", async () => {
    server.use(
      http.post(`${API}/v3.1/send`, () => new HttpResponse("<html>Bad gateway</html>", { status: 502 })),
    );
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toMatchObject({ code: "UNAVAILABLE", status: 502, retryable: true });
  });

  it("sends to a configured https endpoint, keeping its path", async () => {
    const urls: string[] = [];
    server.use(
      http.post("https://api.us.mailjet.com/proxy/v3.1/send", ({ request }) => {
        urls.push(request.url);
        return json(SUCCESS, 200);
      }),
    );
    await (await withEndpoint("https://api.us.mailjet.com/proxy/")).send(minimalMessage);
    expect(urls).toEqual(["https://api.us.mailjet.com/proxy/v3.1/send"]);
  });

  it("refuses a plain-http endpoint to a non-loopback host as a CONFIG error", async () => {
    const error = await withEndpoint("http://mailjet-proxy.example:8080").catch((e) => e);
    expect(error).toMatchObject({ code: "CONFIG" });
    expect(findSecret(error, SECRETS)).toBeUndefined();
  });

  it("verifies the key pair by reading one sender", async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${API}/v3/REST/sender`, ({ request }) => {
        seen.push(`${request.headers.get("authorization")} ${new URL(request.url).search}`);
        return json({ Count: 1, Data: [{ ID: 1, Email: "possy@posseparty.example" }], Total: 3 }, 200);
      }),
    );
    await expect((await mailer()).verify()).resolves.toBeUndefined();
    expect(seen).toEqual([`${BASIC} ?Limit=1`]);
    server.use(
      http.get(`${API}/v3/REST/sender`, () =>
        json({ ErrorMessage: "API key authentication/authorization failure.", StatusCode: 401 }, 401),
      ),
    );
    const error = await (await mailer()).verify().catch((e) => e);
    expect(error).toMatchObject({ code: "AUTH", provider: "mailjet", status: 401 });
    expect(findSecret(error, SECRETS)).toBeUndefined();
  });

  it("fails verify with UNKNOWN when a 200 is not Mailjet's sender list (a captive portal)", async () => {
    server.use(
      http.get(
        `${API}/v3/REST/sender`,
        () =>
          new HttpResponse("<html>Log in</html>", { status: 200, headers: { "Content-Type": "text/html" } }),
      ),
    );
    const error = await (await mailer()).verify().catch((e) => e);
    expect(error).toMatchObject({ code: "UNKNOWN", provider: "mailjet", status: 200 });
  });
});
