// The transport's batch path: MSW stands in for https://api.mailjet.com and checks POST /v3.1/send with
// several `Messages[]` as Mailjet documents it (https://dev.mailjet.com/reference/email/send-emails/): one
// answer entry per message, in order, with its own Status; one failed message does not stop the others.
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
import { mailjetProvider } from "../src/index.js";

const API = "https://api.mailjet.com";
const API_KEY = "mj-public-batch-5f1c";
const API_SECRET = "mj-private-batch-SECRET-3c9d";
const BASIC = `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString("base64")}`;
const SECRETS = [API_SECRET, BASIC.slice("Basic ".length)];
// 64-bit ids beyond Number.MAX_SAFE_INTEGER, as raw JSON: each must survive parsing digit for digit.
const IDS = ["1152921504606846977", "1152921504606846979"];
const server = setupServer();

const transport = (config: Record<string, unknown> = {}) =>
  mailjetProvider.create(
    { apiKey: API_KEY, apiSecret: API_SECRET, ...config },
    { timeoutMs: 5000, now: Date.now },
  ) as Promise<Required<MailTransport>>;
const normalized = (messages: MailMessage[]) =>
  messages.map((message) => normalizeMessage(message, parseAddress(CONTRACT_FROM, "from")));
const context = () => ({ signal: new AbortController().signal, attempt: 1, requestStarting: async () => {} });
const threeMessages = normalized([
  { to: "ann@example.com", subject: "One", text: "Hi Ann", idempotencyKey: "order-1" },
  { to: "Bob <bob@example.com>", subject: "Two", html: "<p>Hi Bob</p>", tags: ["welcome"] },
  { to: "carol@example.com", subject: "Three", text: "Hi Carol", metadata: { user: "3" } },
]);

const accepted = (id: string, email: string) =>
  `{"Status":"success","CustomID":"","To":[{"Email":"${email}","MessageUUID":"u-${id}","MessageID":${id},"MessageHref":"https://api.mailjet.com/v3/REST/message/${id}"}],"Cc":[],"Bcc":[]}`;
const refused = JSON.stringify({
  Status: "error",
  Errors: [
    {
      ErrorIdentifier: "f987008f-251a-4dff-8ffc-40f1583ad7bc",
      ErrorCode: "mj-0013",
      StatusCode: 400,
      ErrorMessage: '"bob@example" is an invalid email address.',
      ErrorRelatedTo: ["To[0].Email"],
    },
  ],
});
const answer = (...entries: string[]) => `{"Messages":[${entries.join(",")}]}`;
/** A failure of the whole request, as Mailjet answers it. */
const global = (status: number, text: string) =>
  JSON.stringify({ ErrorIdentifier: "e-1", ErrorCode: "mj-0002", StatusCode: status, ErrorMessage: text });

function answerBatch(status: number, body: string, headers: Record<string, string> = {}) {
  const captured: CapturedRequest[] = [];
  server.use(
    http.post(`${API}/v3.1/send`, async ({ request }) => {
      captured.push(await captureJsonRequest(request));
      return new HttpResponse(body, { status, headers: { "Content-Type": "application/json", ...headers } });
    }),
  );
  return captured;
}

describe("mailjet batch", () => {
  // MSW patches node:http while it listens: only in this block, so that the socket tests below are real.
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it("takes Mailjet's documented 50 messages a request", async () => {
    expect((await transport()).maxBatchSize).toBe(50);
  });

  it("sends three messages as one POST /v3.1/send with three Messages[]", async () => {
    const captured = answerBatch(
      200,
      answer(accepted(IDS[0]!, "ann@example.com"), accepted(IDS[1]!, "bob@example.com"), accepted("7", "c")),
    );
    const results = await (await transport()).sendBatch(threeMessages, context());
    expect(results).toEqual([{ messageId: IDS[0] }, { messageId: IDS[1] }, { messageId: "7" }]);
    expect(captured).toHaveLength(1);
    expect(captured[0]!.url).toBe(`${API}/v3.1/send`);
    expect(captured[0]!.headers.get("authorization")).toBe(BASIC);
    expect(captured[0]!.body).toEqual({
      Messages: [
        {
          From: { Email: "possy@posseparty.example", Name: "Possy" },
          To: [{ Email: "ann@example.com" }],
          Subject: "One",
          TextPart: "Hi Ann",
          Headers: { "X-Idempotency-Key": "order-1" },
          CustomID: "order-1",
        },
        {
          From: { Email: "possy@posseparty.example", Name: "Possy" },
          To: [{ Email: "bob@example.com", Name: "Bob" }],
          Subject: "Two",
          HTMLPart: "<p>Hi Bob</p>",
          CustomCampaign: "welcome",
        },
        {
          From: { Email: "possy@posseparty.example", Name: "Possy" },
          To: [{ Email: "carol@example.com" }],
          Subject: "Three",
          TextPart: "Hi Carol",
          EventPayload: '{"user":"3"}',
        },
      ],
    });
  });

  it.each([400, 200])(
    "gives each message its own outcome when Mailjet refuses one of three (HTTP %i)",
    async (status) => {
      answerBatch(status, answer(accepted(IDS[0]!, "ann@example.com"), refused, accepted(IDS[1]!, "c")));
      const results = await (await transport()).sendBatch(threeMessages, context());
      expect(results[0]).toEqual({ messageId: IDS[0] });
      expect(results[1]).toMatchObject({
        name: "MailError",
        code: "REJECTED",
        provider: "mailjet",
        status: 400,
        retryable: false,
        outcomeUnknown: false,
      });
      expect((results[1] as Error).message).toBe(
        'mailjet answered HTTP 400: "bob@example" is an invalid email address. (mj-0013; related to To[0].Email)',
      );
      expect(results[2]).toEqual({ messageId: IDS[1] });
    },
  );

  it("gives a message it cannot carry its UNSUPPORTED error and leaves it out of the request", async () => {
    const captured = answerBatch(200, answer(accepted(IDS[0]!, "a"), accepted(IDS[1]!, "c")));
    const messages = normalized([
      { to: "ann@example.com", subject: "One", text: "Hi" },
      { to: "bob@example.com", subject: "Two", text: "Hi", tags: ["a", "b"] },
      { to: "carol@example.com", subject: "Three", text: "Hi" },
    ]);
    const results = await (await transport()).sendBatch(messages, context());
    expect(results[0]).toEqual({ messageId: IDS[0] });
    expect(results[1]).toMatchObject({ code: "UNSUPPORTED", field: "tags", provider: "mailjet" });
    expect(results[2]).toEqual({ messageId: IDS[1] });
    const sent = (captured[0]!.body as { Messages: { To: { Email: string }[] }[] }).Messages;
    expect(sent.map((message) => message.To[0]!.Email)).toEqual(["ann@example.com", "carol@example.com"]);
  });

  it("sends through mailer.sendMany in one request, keyed messages included, with a result each", async () => {
    const captured = answerBatch(
      200,
      answer(
        accepted(IDS[0]!, "ann@example.com"),
        refused.replace("is an invalid email address.", `is invalid for key ${API_SECRET}.`),
        accepted(IDS[1]!, "c"),
      ),
    );
    const mailer = await createContractMailer(mailjetProvider, { apiKey: API_KEY, apiSecret: API_SECRET });
    const results = await mailer.sendMany([
      { to: "ann@example.com", subject: "One", text: "Hi", idempotencyKey: "order-1" },
      { to: "bob@example.com", subject: "Two", text: "Hi", idempotencyKey: "order-2" },
      { to: "carol@example.com", subject: "Three", text: "Hi" },
    ]);
    expect(captured).toHaveLength(1);
    expect(results[0]).toEqual({ ok: true, receipt: { provider: "mailjet", messageId: IDS[0] } });
    expect(results[1]).toMatchObject({ ok: false, error: { code: "REJECTED", provider: "mailjet" } });
    // Mailjet's text echoed the secret: the core masks it in the message's error.
    expect(findSecret(results[1], SECRETS)).toBeUndefined();
    expect(results[2]).toEqual({ ok: true, receipt: { provider: "mailjet", messageId: IDS[1] } });
  });
});

describeBatchConformance({
  definition: mailjetProvider,
  withEndpoint: (origin) => ({ apiKey: API_KEY, apiSecret: API_SECRET, endpoint: origin }),
  secrets: SECRETS,
  path: "/v3.1/send",
  answers: {
    accepted: answer(accepted(IDS[0]!, "a"), accepted(IDS[1]!, "c")),
    empty: {},
    endless: '{"Messages":[{"Status":"',
    rateLimited: global(429, "Too many requests."),
  },
  failures: [
    {
      name: "a bad key pair",
      status: 401,
      body: global(401, "API key authentication/authorization failure."),
      expected: { code: "AUTH" },
    },
    {
      name: "an outage",
      status: 500,
      body: global(500, "Internal Server Error"),
      expected: { code: "UNAVAILABLE", retryable: true },
    },
    {
      name: "a malformed request",
      status: 400,
      body: global(400, "Malformed JSON."),
      expected: { code: "REJECTED", retryable: false },
    },
    {
      name: "a 200 that is not one entry per message",
      status: 200,
      body: answer(accepted(IDS[0]!, "ann@example.com")),
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
    message: { to: "bob@example.com", subject: "Two", text: "Hi", tags: ["a", "b"] },
    field: "tags",
  },
});
