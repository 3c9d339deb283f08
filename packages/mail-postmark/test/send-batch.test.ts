// The transport's batch path: MSW stands in for https://api.postmarkapp.com and checks POST /email/batch as
// Postmark documents it (https://postmarkapp.com/developer/user-guide/send-email-with-api/batch-emails): a
// JSON array of the messages /email takes, answered 200 with one entry per message, in order.
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
import { postmarkProvider } from "../src/index.js";
import { POSTMARK_MAX_BATCH_BYTES, splitBySize } from "../src/send-batch.js";

const API = "https://api.postmarkapp.com";
const TOKEN = "pm-batch-SECRET-77a0";
const server = setupServer();
const IDS = ["0a1b2c3d-0000-4000-8000-000000000001", "0a1b2c3d-0000-4000-8000-000000000002"];

const transport = (config: Record<string, unknown> = {}) =>
  postmarkProvider.create({ serverToken: TOKEN, ...config }, { timeoutMs: 5000, now: Date.now }) as Promise<
    Required<MailTransport>
  >;
const normalized = (messages: MailMessage[]) =>
  messages.map((message) => normalizeMessage(message, parseAddress(CONTRACT_FROM, "from")));
const context = () => ({ signal: new AbortController().signal, attempt: 1, requestStarting: async () => {} });
const threeMessages = normalized([
  { to: "ann@example.com", subject: "One", text: "Hi Ann", idempotencyKey: "order-1" },
  { to: "Bob <bob@example.com>", subject: "Two", html: "<p>Hi Bob</p>", tags: ["welcome"] },
  { to: "carol@example.com", subject: "Three", text: "Hi Carol", metadata: { user: "3" } },
]);

function answerBatch(status: number, body: unknown, headers: Record<string, string> = {}) {
  const captured: CapturedRequest[] = [];
  server.use(
    http.post(`${API}/email/batch`, async ({ request }) => {
      captured.push(await captureJsonRequest(request));
      return HttpResponse.json(body as never, { status, headers });
    }),
  );
  return captured;
}

const accepted = (id: string, to: string) => ({
  ErrorCode: 0,
  Message: "OK",
  MessageID: id,
  SubmittedAt: "2026-12-07T18:00:00.0000000-05:00",
  To: to,
});

describe("postmark batch", () => {
  // MSW patches node:http while it listens: only in this block, so that the socket tests below are real.
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it("takes Postmark's documented 500 messages a request", async () => {
    expect((await transport()).maxBatchSize).toBe(500);
  });

  it("sends three messages as one POST /email/batch of the bodies /email takes", async () => {
    const captured = answerBatch(200, [
      accepted(IDS[0]!, "ann@example.com"),
      accepted(IDS[1]!, "Bob <bob@example.com>"),
      accepted("0a1b2c3d-0000-4000-8000-000000000003", "carol@example.com"),
    ]);
    const results = await (await transport({ messageStream: "outbound" })).sendBatch(
      threeMessages,
      context(),
    );
    expect(results).toEqual([
      { messageId: IDS[0] },
      { messageId: IDS[1] },
      { messageId: "0a1b2c3d-0000-4000-8000-000000000003" },
    ]);
    expect(captured).toHaveLength(1);
    expect(captured[0]!.url).toBe(`${API}/email/batch`);
    expect(captured[0]!.headers.get("x-postmark-server-token")).toBe(TOKEN);
    expect(captured[0]!.body).toEqual([
      {
        From: "Possy <possy@posseparty.example>",
        To: "ann@example.com",
        Subject: "One",
        TextBody: "Hi Ann",
        Headers: [{ Name: "X-Idempotency-Key", Value: "order-1" }],
        MessageStream: "outbound",
      },
      {
        From: "Possy <possy@posseparty.example>",
        To: "Bob <bob@example.com>",
        Subject: "Two",
        HtmlBody: "<p>Hi Bob</p>",
        Tag: "welcome",
        MessageStream: "outbound",
      },
      {
        From: "Possy <possy@posseparty.example>",
        To: "carol@example.com",
        Subject: "Three",
        TextBody: "Hi Carol",
        Metadata: { user: "3" },
        MessageStream: "outbound",
      },
    ]);
  });

  it("gives each message its own outcome when Postmark refuses one of three", async () => {
    answerBatch(200, [
      accepted(IDS[0]!, "ann@example.com"),
      {
        ErrorCode: 406,
        Message: "You tried to send to recipient(s) that have been marked as inactive.",
      },
      accepted(IDS[1]!, "carol@example.com"),
    ]);
    const results = await (await transport()).sendBatch(threeMessages, context());
    expect(results[0]).toEqual({ messageId: IDS[0] });
    expect(results[1]).toMatchObject({ name: "MailError", code: "REJECTED", provider: "postmark" });
    expect((results[1] as Error).message).toBe(
      "postmark refused the message in its batch: You tried to send to recipient(s) that have been marked as inactive. (ErrorCode 406)",
    );
    expect(results[1]).toMatchObject({ retryable: false, outcomeUnknown: false });
    expect(results[2]).toEqual({ messageId: IDS[1] });
  });

  it("gives a message it cannot carry its UNSUPPORTED error and leaves it out of the request", async () => {
    const captured = answerBatch(200, [accepted(IDS[0]!, "ann@example.com"), accepted(IDS[1]!, "c")]);
    const messages = normalized([
      { to: "ann@example.com", subject: "One", text: "Hi" },
      { to: "bob@example.com", subject: "Two", text: "Hi", tags: ["a", "b"] },
      { to: "carol@example.com", subject: "Three", text: "Hi" },
    ]);
    const results = await (await transport()).sendBatch(messages, context());
    expect(results[0]).toEqual({ messageId: IDS[0] });
    expect(results[1]).toMatchObject({ code: "UNSUPPORTED", field: "tags", provider: "postmark" });
    expect(results[2]).toEqual({ messageId: IDS[1] });
    expect((captured[0]!.body as { To: string }[]).map((email) => email.To)).toEqual([
      "ann@example.com",
      "carol@example.com",
    ]);
  });

  it("splits a batch whose JSON passes Postmark's 50 MB into requests under it, in order", () => {
    const entry = (index: number, bytes: number) => ({ index, email: {} as never, bytes, answerBytes: 300 });
    const groups = splitBySize([
      entry(0, 20e6),
      entry(1, 20e6),
      entry(2, 9.9e6),
      entry(3, 2e5),
      entry(4, 30e6),
    ]);
    expect(groups.map((group) => group.map((e) => e.index))).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
    for (const group of groups) {
      const bytes = 2 + group.reduce((sum, e) => sum + e.bytes + 1, -1);
      expect(bytes).toBeLessThanOrEqual(POSTMARK_MAX_BATCH_BYTES);
    }
  });

  it("splits a batch whose answer would pass the 1 MiB it reads, so every message still gets its receipt", async () => {
    // Postmark echoes each message's To list in its answer: 500 messages to 50 named recipients pass 1 MiB.
    const to = Array.from({ length: 50 }, (_, i) => `Recipient Number ${i} <recipient-${i}@example.com>`);
    const requests: number[] = [];
    server.use(
      http.post(`${API}/email/batch`, async ({ request }) => {
        const emails = (await request.json()) as { To: string }[];
        requests.push(emails.length);
        const offset = requests.slice(0, -1).reduce((sum, n) => sum + n, 0);
        return HttpResponse.json(emails.map((email, i) => accepted(`id-${offset + i}`, email.To)));
      }),
    );
    const messages = normalized(Array.from({ length: 500 }, (_, i) => ({ to, subject: `${i}`, text: "Hi" })));
    const results = await (await transport()).sendBatch(messages, context());
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.reduce((sum, n) => sum + n, 0)).toBe(500);
    expect(results).toEqual(messages.map((_, i) => ({ messageId: `id-${i}` })));
  });

  it("sends through mailer.sendMany in one request, keyed messages included, with a result each", async () => {
    const captured = answerBatch(200, [
      accepted(IDS[0]!, "ann@example.com"),
      // A vendor text that echoes the token: the core masks it in the message's error.
      { ErrorCode: 406, Message: `Inactive recipient for server token ${TOKEN}.` },
      accepted(IDS[1]!, "c"),
    ]);
    const mailer = await createContractMailer(postmarkProvider, { serverToken: TOKEN });
    const results = await mailer.sendMany([
      { to: "ann@example.com", subject: "One", text: "Hi", idempotencyKey: "order-1" },
      { to: "bob@example.com", subject: "Two", text: "Hi", idempotencyKey: "order-2" },
      { to: "carol@example.com", subject: "Three", text: "Hi" },
    ]);
    expect(captured).toHaveLength(1);
    expect(results[0]).toEqual({ ok: true, receipt: { provider: "postmark", messageId: IDS[0] } });
    expect(results[1]).toMatchObject({ ok: false, error: { code: "REJECTED", provider: "postmark" } });
    expect(findSecret(results[1], [TOKEN])).toBeUndefined();
    expect(results[2]).toEqual({ ok: true, receipt: { provider: "postmark", messageId: IDS[1] } });
  });
});

// The SDK hands over the body of a 2xx, not its status: an odd 2xx is UNKNOWN without one.
const ODD_2XX = { code: "UNKNOWN", outcomeUnknown: true, status: undefined };

describeBatchConformance({
  definition: postmarkProvider,
  withEndpoint: (origin) => ({ serverToken: TOKEN, endpoint: origin }),
  secrets: [TOKEN],
  path: "/email/batch",
  answers: {
    accepted: [accepted(IDS[0]!, "a"), accepted(IDS[1]!, "c")],
    empty: [],
    endless: '[{"MessageID":"',
    rateLimited: { ErrorCode: 429, Message: "Rate limit exceeded." },
  },
  failures: [
    {
      name: "a bad token",
      status: 401,
      body: { ErrorCode: 10, Message: "Bad token." },
      expected: { code: "AUTH", retryable: false },
    },
    {
      name: "an outage",
      status: 503,
      body: "<html>Service Unavailable</html>",
      expected: { code: "UNAVAILABLE", retryable: true },
    },
    { name: "a 200 page", status: 200, body: "<html>Welcome to the hotel Wi-Fi</html>", expected: ODD_2XX },
    {
      name: "a 200 that is not one entry per message",
      status: 200,
      body: [accepted(IDS[0]!, "ann@example.com")],
      expected: ODD_2XX,
    },
    { name: "a 200 with an object", status: 200, body: { ok: true }, expected: ODD_2XX },
  ],
  unsupported: {
    message: { to: "bob@example.com", subject: "Two", text: "Hi", tags: ["a", "b"] },
    field: "tags",
  },
});
