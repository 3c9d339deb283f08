// The transport's batch path: MSW stands in for https://api.resend.com and checks POST /emails/batch as
// Resend documents it (https://resend.com/docs/api-reference/emails/send-batch-emails): a JSON array of the
// emails /emails takes, in permissive validation (https://resend.com/docs/dashboard/emails/batch-validation-modes),
// answered with an id per created email and { index, message } per refused one.
import { type MailMessage, normalizeMessage } from "@posse/mail-core";
import { type MailTransport, parseAddress } from "@posse/mail-core/provider";
import {
  type CapturedRequest,
  CONTRACT_FROM,
  captureJsonRequest,
  createContractMailer,
  findSecret,
} from "@posse/mail-core/testing";
import { describeBatchConformance } from "@posse/mail-testkit";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resendProvider } from "../src/index.js";

const API = "https://api.resend.com";
const API_KEY = "re_batch_SECRET_41c7";
const IDS = ["4ef9a417-02e9-4d39-ad75-9611e0fcc001", "4ef9a417-02e9-4d39-ad75-9611e0fcc002"];
const server = setupServer();

const transport = (config: Record<string, unknown> = {}) =>
  resendProvider.create({ apiKey: API_KEY, ...config }, { timeoutMs: 5000, now: Date.now }) as Promise<
    Required<MailTransport>
  >;
const normalized = (messages: MailMessage[]) =>
  messages.map((message) => normalizeMessage(message, parseAddress(CONTRACT_FROM, "from")));
const context = () => ({ signal: new AbortController().signal, attempt: 1, requestStarting: async () => {} });
const threeMessages = normalized([
  { to: "ann@example.com", subject: "One", text: "Hi Ann", headers: { "X-Entity-Ref-ID": "ref-1" } },
  { to: "Bob <bob@example.com>", subject: "Two", html: "<p>Hi Bob</p>", tags: ["welcome"] },
  { to: "carol@example.com", subject: "Three", text: "Hi Carol", metadata: { user: "3" } },
]);

function answerBatch(status: number, body: unknown, headers: Record<string, string> = {}) {
  const captured: CapturedRequest[] = [];
  server.use(
    http.post(`${API}/emails/batch`, async ({ request }) => {
      captured.push(await captureJsonRequest(request));
      return typeof body === "string"
        ? new HttpResponse(body, { status, headers })
        : HttpResponse.json(body as never, { status, headers });
    }),
  );
  return captured;
}

describe("resend batch", () => {
  // MSW patches fetch while it listens: only in this block, so that the socket tests below are real.
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it("takes Resend's documented 100 emails a request", async () => {
    expect((await transport()).maxBatchSize).toBe(100);
  });

  it("leaves to send() a message with attachments or an idempotency key, which the batch cannot carry", async () => {
    const { canBatch } = await transport();
    const [plain, attached, keyed] = normalized([
      { to: "ann@example.com", subject: "One", text: "Hi" },
      {
        to: "ann@example.com",
        subject: "Two",
        text: "Hi",
        attachments: [{ filename: "a.txt", content: "a" }],
      },
      { to: "ann@example.com", subject: "Three", text: "Hi", idempotencyKey: "order-3" },
    ]);
    expect([canBatch(plain!), canBatch(attached!), canBatch(keyed!)]).toEqual([true, false, false]);
  });

  it("sends three emails as one permissive POST /emails/batch of the bodies /emails takes", async () => {
    const captured = answerBatch(200, { data: [{ id: IDS[0] }, { id: IDS[1] }, { id: "third" }] });
    const results = await (await transport()).sendBatch(threeMessages, context());
    expect(results).toEqual([{ messageId: IDS[0] }, { messageId: IDS[1] }, { messageId: "third" }]);
    expect(captured).toHaveLength(1);
    expect(captured[0]!.url).toBe(`${API}/emails/batch`);
    expect(captured[0]!.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
    expect(captured[0]!.headers.get("x-batch-validation")).toBe("permissive");
    expect(captured[0]!.headers.get("idempotency-key")).toBeNull();
    expect(captured[0]!.body).toEqual([
      {
        from: "Possy <possy@posseparty.example>",
        to: ["ann@example.com"],
        subject: "One",
        text: "Hi Ann",
        headers: { "X-Entity-Ref-ID": "ref-1" },
      },
      {
        from: "Possy <possy@posseparty.example>",
        to: ["Bob <bob@example.com>"],
        subject: "Two",
        html: "<p>Hi Bob</p>",
        tags: [{ name: "welcome", value: "true" }],
      },
      {
        from: "Possy <possy@posseparty.example>",
        to: ["carol@example.com"],
        subject: "Three",
        text: "Hi Carol",
        tags: [{ name: "user", value: "3" }],
      },
    ]);
  });

  it("gives each email its own outcome when Resend refuses one of three", async () => {
    answerBatch(200, {
      data: [{ id: IDS[0] }, { id: IDS[1] }],
      errors: [
        {
          index: 1,
          message: "Invalid `to` field. The email address needs to follow the `email@example.com` format.",
        },
      ],
    });
    const results = await (await transport()).sendBatch(threeMessages, context());
    expect(results[0]).toEqual({ messageId: IDS[0] });
    expect(results[1]).toMatchObject({
      name: "MailError",
      code: "REJECTED",
      provider: "resend",
      retryable: false,
      outcomeUnknown: false,
    });
    expect((results[1] as Error).message).toBe(
      "resend refused the email in its batch: Invalid `to` field. The email address needs to follow the `email@example.com` format.",
    );
    expect(results[2]).toEqual({ messageId: IDS[1] });
  });

  it("gives a message it cannot carry its error and leaves it out of the request", async () => {
    const captured = answerBatch(200, { data: [{ id: IDS[0] }, { id: IDS[1] }] });
    const messages = normalized([
      { to: "ann@example.com", subject: "One", text: "Hi" },
      {
        to: "bob@example.com",
        subject: "Two",
        text: "Hi",
        attachments: [{ filename: "a.txt", content: "a" }],
      },
      { to: "dan@example.com", subject: "Three", text: "Hi", tags: ["not a tag"] },
      { to: "carol@example.com", subject: "Four", text: "Hi" },
    ]);
    const results = await (await transport()).sendBatch(messages, context());
    expect(results[0]).toEqual({ messageId: IDS[0] });
    expect(results[1]).toMatchObject({ code: "UNSUPPORTED", field: "attachments", provider: "resend" });
    expect(results[2]).toMatchObject({ code: "UNSUPPORTED", field: "tags[0]", provider: "resend" });
    expect(results[3]).toEqual({ messageId: IDS[1] });
    expect((captured[0]!.body as { to: string[] }[]).map((email) => email.to[0])).toEqual([
      "ann@example.com",
      "carol@example.com",
    ]);
  });

  it("sends through mailer.sendMany: the batch for most, /emails for an attachment or a key, a result each", async () => {
    const batched = answerBatch(200, {
      data: [{ id: IDS[0] }, { id: IDS[1] }],
      errors: [{ index: 1, message: `Invalid \`to\` field for key ${API_KEY}.` }],
    });
    const alone: CapturedRequest[] = [];
    server.use(
      http.post(`${API}/emails`, async ({ request }) => {
        alone.push(await captureJsonRequest(request));
        return HttpResponse.json({ id: `alone-${alone.length}` });
      }),
    );
    const mailer = await createContractMailer(resendProvider, { apiKey: API_KEY });
    const results = await mailer.sendMany([
      { to: "ann@example.com", subject: "One", text: "Hi" },
      { to: "bob@example.com", subject: "Two", text: "Hi" },
      {
        to: "dan@example.com",
        subject: "Att",
        text: "Hi",
        attachments: [{ filename: "a.txt", content: "a" }],
      },
      { to: "carol@example.com", subject: "Three", text: "Hi" },
      { to: "erin@example.com", subject: "Keyed", text: "Hi", idempotencyKey: "order-5" },
    ]);
    expect(batched).toHaveLength(1);
    expect((batched[0]!.body as { subject: string }[]).map((email) => email.subject)).toEqual([
      "One",
      "Two",
      "Three",
    ]);
    expect(alone.map((request) => (request.body as { subject: string }).subject).sort()).toEqual([
      "Att",
      "Keyed",
    ]);
    const keyed = alone.find((request) => (request.body as { subject: string }).subject === "Keyed");
    expect(keyed!.headers.get("idempotency-key")).toBe("order-5");
    expect(results[0]).toEqual({ ok: true, receipt: { provider: "resend", messageId: IDS[0] } });
    expect(results[1]).toMatchObject({ ok: false, error: { code: "REJECTED", provider: "resend" } });
    // Resend's text echoed the key: the core masks it in the message's error.
    expect(findSecret(results[1], [API_KEY])).toBeUndefined();
    expect(results[2]).toMatchObject({ ok: true, receipt: { provider: "resend" } });
    expect(results[4]).toMatchObject({ ok: true, receipt: { provider: "resend" } });
    expect(results[3]).toEqual({ ok: true, receipt: { provider: "resend", messageId: IDS[1] } });
  });
});

describeBatchConformance({
  definition: resendProvider,
  withEndpoint: (origin) => ({ apiKey: API_KEY, endpoint: origin }),
  secrets: [API_KEY],
  path: "/emails/batch",
  answers: {
    accepted: { data: [{ id: IDS[0] }, { id: IDS[1] }] },
    empty: { data: [] },
    endless: '{"data":[{"id":"',
    rateLimited: { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests." },
  },
  failures: [
    {
      name: "a missing key",
      status: 401,
      body: { name: "missing_api_key", message: "Missing API key in the authorization header" },
      expected: { code: "AUTH", retryable: false },
    },
    {
      name: "an outage",
      status: 502,
      body: "<html>Bad Gateway</html>",
      expected: { code: "UNAVAILABLE", retryable: true },
    },
    {
      name: "a 200 that is not one result per email",
      status: 200,
      body: { data: [{ id: IDS[0] }] },
      expected: { code: "UNKNOWN", outcomeUnknown: true },
    },
    {
      name: "a 200 naming an email twice",
      status: 200,
      body: {
        data: [{ id: IDS[0] }],
        errors: [
          { index: 1, message: "x" },
          { index: 1, message: "y" },
        ],
      },
      expected: { code: "UNKNOWN", outcomeUnknown: true },
    },
    {
      name: "a 200 page",
      status: 200,
      body: "<html>Welcome to the hotel Wi-Fi</html>",
      expected: { code: "UNKNOWN", outcomeUnknown: true },
    },
  ],
  unsupported: {
    message: {
      to: "bob@example.com",
      subject: "Two",
      text: "Hi",
      attachments: [{ filename: "a.txt", content: "a" }],
    },
    field: "attachments",
  },
});
