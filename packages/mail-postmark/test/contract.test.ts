// Contract tests: MSW stands in for https://api.postmarkapp.com at the network layer and checks each
// request as Postmark's API reference defines it (POST /email, X-Postmark-Server-Token, PascalCase JSON).
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
import { describeProviderConformance, readMailbox, readMailboxList } from "@posse/mail-testkit";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { postmarkProvider } from "../src/index.js";

const API = "https://api.postmarkapp.com";
const TOKEN = "pm-contract-SECRET-5f1c";
const MESSAGE_ID = "b7bc2f4a-e38e-4336-af7d-e6c392c2f817";
const server = setupServer();

function captureSend(status = 200, body: unknown = okBody()) {
  const captured: CapturedRequest[] = [];
  server.use(
    http.post(`${API}/email`, async ({ request }) => {
      captured.push(await captureJsonRequest(request));
      return HttpResponse.json(body as never, { status });
    }),
  );
  return captured;
}

function okBody() {
  return {
    To: "ann@example.com",
    SubmittedAt: "2014-02-17T07:25:01.4178645-05:00",
    MessageID: MESSAGE_ID,
    ErrorCode: 0,
    Message: "OK",
  };
}

const mailer = (options: Partial<CreateMailerOptions> = {}, config: Record<string, unknown> = {}) =>
  createContractMailer(postmarkProvider, { serverToken: TOKEN, ...config }, options);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

// What every provider must do (fields carried or refused, hostile names, the error matrix, refused and reset
// connections, timeout, abort, MAIL_RETRY_ATTEMPTS, no 2xx taken for a receipt, detection, lazy SDK).
describeProviderConformance({
  definition: postmarkProvider,
  config: { serverToken: TOKEN },
  withEndpoint: (origin) => ({ serverToken: TOKEN, endpoint: origin }),
  env: { POSTMARK_API_TOKEN: TOKEN },
  secrets: [TOKEN],
  server,
  sendUrl: `${API}/email`,
  success: () => HttpResponse.json(okBody()),
  messageId: MESSAGE_ID,
  failure: (status, text, headers) =>
    HttpResponse.json({ ErrorCode: status === 401 ? 10 : 300, Message: text }, { status, headers }),
  addresses: (request) => {
    const body = JSON.parse(request.text) as { From: string; To: string };
    return { from: readMailbox(body.From), to: readMailboxList(body.To) };
  },
  // Sent with node:http/https (core's requestCapped), whose abort MSW does not report; the real-socket checks
  // of the suite prove that a timeout and the caller's abort close the socket.
  abortsRequest: false,
  sdk: {
    entries: ["index.js", "index.cjs"].map((file) =>
      fileURLToPath(new URL(`../dist/${file}`, import.meta.url)),
    ),
    module: "/node_modules/postmark/",
  },
});

describe("postmark contract", () => {
  it("sends a minimal message as a minimal request", async () => {
    const captured = captureSend();
    const receipt = await (await mailer()).send(minimalMessage);
    expect(receipt).toEqual({ provider: "postmark", messageId: MESSAGE_ID });
    expect(captured).toHaveLength(1);
    const [request] = captured;
    expect(request!.method).toBe("POST");
    expect(request!.url).toBe(`${API}/email`);
    expect(request!.headers.get("x-postmark-server-token")).toBe(TOKEN);
    expect(request!.headers.get("content-type")).toBe("application/json");
    expect(request!.headers.get("accept")).toBe("application/json");
    expect(request!.headers.get("user-agent")).toMatch(/^Postmark\.JS - /);
    expect(request!.body).toEqual({
      From: "Possy <possy@posseparty.example>",
      To: "ann@example.com",
      Subject: "Hello",
      TextBody: "Hi Ann",
    });
  });

  it("sends every field of a full message", async () => {
    const captured = captureSend();
    await (await mailer()).send({ ...fullMessage, idempotencyKey: "login-42-1" });
    const [request] = captured;
    expect(request!.body).toEqual({
      From: '"«Possy» Party" <possy@posseparty.example>',
      To: '"Doe, Ann \\"Annie\\"" <ann@example.com>, bob@example.com',
      Cc: '"Carol Ünïcode" <carol@example.com>',
      Bcc: "dave@example.com",
      ReplyTo: '"Support, Team" <support@posseparty.example>',
      Subject: "Sign in to POSSE Party ✓ — ünïcødé",
      TextBody: "Your link: https://posseparty.example/login/abc",
      HtmlBody:
        '<p>Your <a href="https://posseparty.example/login/abc">link</a> <img src="cid:logo@posse"></p>',
      Headers: [
        { Name: "X-Entity-Ref-ID", Value: "ref-123" },
        { Name: "X-Idempotency-Key", Value: "login-42-1" },
      ],
      Attachments: [
        {
          Name: "report.pdf",
          Content: Buffer.from(PDF_BYTES).toString("base64"),
          ContentType: "application/pdf",
        },
        {
          Name: "logo.png",
          Content: Buffer.from(PNG_BYTES).toString("base64"),
          ContentType: "image/png",
          ContentID: "cid:logo@posse",
        },
      ],
      Tag: "login",
      Metadata: { user_id: "42" },
    });
    // Postmark reads each list as RFC 5322: the hostile display names come back intact.
    const body = request!.body as Record<string, string>;
    expect(readMailboxList(body.To!)).toEqual([
      { name: 'Doe, Ann "Annie"', address: "ann@example.com" },
      { address: "bob@example.com" },
    ]);
    expect(readMailboxList(body.From!)).toEqual([
      { name: "«Possy» Party", address: "possy@posseparty.example" },
    ]);
    expect(readMailboxList(body.ReplyTo!)).toEqual([
      { name: "Support, Team", address: "support@posseparty.example" },
    ]);
    expect(readMailboxList(body.Cc!)).toEqual([{ name: "Carol Ünïcode", address: "carol@example.com" }]);
  });

  it("sends an attachment of bytes without a type as application/octet-stream", async () => {
    const captured = captureSend();
    await (await mailer()).send({
      ...minimalMessage,
      attachments: [{ filename: "notes.bin", content: new Uint8Array([104, 105]) }],
    });
    expect((captured[0]!.body as { Attachments: unknown }).Attachments).toEqual([
      { Name: "notes.bin", Content: "aGk=", ContentType: "application/octet-stream" },
    ]);
  });

  it("labels a string attachment's ContentType with charset=utf-8, as its bytes are", async () => {
    const captured = captureSend();
    await (await mailer()).send({
      ...minimalMessage,
      attachments: [
        { filename: "notes.txt", content: "Grüße ✓" },
        { filename: "page.html", content: "<p>Grüße</p>", contentType: "text/html" },
      ],
    });
    expect((captured[0]!.body as { Attachments: unknown }).Attachments).toEqual([
      {
        Name: "notes.txt",
        Content: Buffer.from("Grüße ✓").toString("base64"),
        ContentType: "text/plain; charset=utf-8",
      },
      {
        Name: "page.html",
        Content: Buffer.from("<p>Grüße</p>").toString("base64"),
        ContentType: "text/html; charset=utf-8",
      },
    ]);
  });

  it("sends MessageStream only when configured", async () => {
    const captured = captureSend();
    await (await mailer({}, { messageStream: "broadcast" })).send(minimalMessage);
    expect(captured[0]!.body).toMatchObject({ MessageStream: "broadcast" });
  });

  it("sends to a configured endpoint", async () => {
    const seen: string[] = [];
    server.use(
      http.post("https://postmark.proxy.test:8443/base/email", ({ request }) => {
        seen.push(request.url);
        return HttpResponse.json(okBody());
      }),
    );
    await (await mailer({}, { endpoint: "https://postmark.proxy.test:8443/base/" })).send(minimalMessage);
    expect(seen).toEqual(["https://postmark.proxy.test:8443/base/email"]);
  });

  it("refuses a plain-http endpoint on another host with CONFIG (the token would travel in clear)", async () => {
    let requests = 0;
    server.use(
      http.all("http://postmark.proxy.test:8080/*", () => {
        requests += 1;
        return HttpResponse.json(okBody());
      }),
    );
    const error = await mailer({}, { endpoint: "http://postmark.proxy.test:8080/base/" }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "postmark" });
    expect(error.message).toContain("endpoint");
    expect(error.message).not.toContain("postmark.proxy.test");
    expect(requests).toBe(0);
  });

  const unsupported: [string, Record<string, unknown>, string][] = [
    ["two tags", { tags: ["a", "b"] }, "tags"],
    ["a tag over 1000 characters", { tags: ["t".repeat(1001)] }, "tags[0]"],
    [
      "more than 10 metadata fields",
      { metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"])) },
      "metadata",
    ],
    [
      "a metadata name over 20 characters",
      { metadata: { ["k".repeat(21)]: "v" } },
      `metadata.${"k".repeat(21)}`,
    ],
    ["a metadata value over 80 characters", { metadata: { key: "v".repeat(81) } }, "metadata.key"],
    ["metadata names equal but for case", { metadata: { key: "1", KEY: "2" } }, "metadata.KEY"],
  ];

  it.each(unsupported)("refuses %s before any request", async (_, extra, field) => {
    const captured = captureSend();
    const error = await (await mailer()).send({ ...minimalMessage, ...extra }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "UNSUPPORTED", field, provider: "postmark" });
    expect(captured).toHaveLength(0);
  });

  const failures: [string, number, Record<string, unknown>, Record<string, string>, Partial<MailError>][] = [
    [
      "bad token",
      401,
      {
        ErrorCode: 10,
        Message: "The Server Token you provided in the X-Postmark-Server-Token request header was invalid.",
      },
      {},
      { code: "AUTH", retryable: false },
    ],
    [
      "invalid request",
      422,
      { ErrorCode: 300, Message: "Invalid email request" },
      {},
      { code: "REJECTED", retryable: false },
    ],
    [
      "unconfirmed sender signature",
      422,
      {
        ErrorCode: 400,
        Message: "The 'From' address you supplied is not a Sender Signature on your account.",
      },
      {},
      { code: "REJECTED", retryable: false },
    ],
    [
      "inactive recipient",
      422,
      {
        ErrorCode: 406,
        Message:
          "You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ann@example.com.",
      },
      {},
      { code: "REJECTED", retryable: false },
    ],
  ];

  it.each(failures)("maps %s (HTTP %i) to a MailError", async (_, status, body, headers, expected) => {
    server.use(http.post(`${API}/email`, () => HttpResponse.json(body, { status, headers })));
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ provider: "postmark", status, ...expected });
    expect(error.message).toContain(String(body.Message));
    if (body.ErrorCode) expect(error.message).toContain(`ErrorCode ${body.ErrorCode}`);
    expect(findSecret(error, [TOKEN])).toBeUndefined();
  });

  it("maps a non-JSON 503 to UNAVAILABLE", async () => {
    server.use(
      http.post(`${API}/email`, () => new HttpResponse("<html>Service Unavailable</html>", { status: 503 })),
    );
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toMatchObject({ code: "UNAVAILABLE", status: 503, retryable: true });
  });

  it.each([
    ["JSON of another shape", () => HttpResponse.json([okBody()])],
    ["a MessageID that is not a string", () => HttpResponse.json({ ...okBody(), MessageID: 42 })],
  ])("treats a 200 with %s as UNKNOWN with an unknown outcome, in one request", async (_, answer) => {
    let requests = 0;
    server.use(
      http.post(`${API}/email`, () => {
        requests += 1;
        return answer();
      }),
    );
    // Retries allowed, but no idempotency key: an answer that may mean "sent" must not be sent again.
    const error = await (await mailer({ retry: { attempts: 3 }, random: () => 0 }))
      .send(minimalMessage)
      .catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "UNKNOWN", provider: "postmark", outcomeUnknown: true });
    expect(requests).toBe(1);
  });

  it("verifies the token by reading the server", async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${API}/server`, ({ request }) => {
        seen.push(request.headers.get("x-postmark-server-token") ?? "");
        return HttpResponse.json({ ID: 1, Name: "Production", ApiTokens: [TOKEN] });
      }),
    );
    await expect((await mailer()).verify()).resolves.toBeUndefined();
    expect(seen).toEqual([TOKEN]);
    server.use(
      http.get(`${API}/server`, () =>
        HttpResponse.json(
          { ErrorCode: 10, Message: "The Server Token you provided was invalid." },
          { status: 401 },
        ),
      ),
    );
    const error = await (await mailer()).verify().catch((e) => e);
    expect(error).toMatchObject({ code: "AUTH", provider: "postmark", status: 401 });
    expect(findSecret(error, [TOKEN])).toBeUndefined();
  });
});
