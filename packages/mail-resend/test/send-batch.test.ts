// The transport's batch path: MSW stands in for https://api.resend.com and checks POST /emails/batch as
// Resend documents it (https://resend.com/docs/api-reference/emails/send-batch-emails): a JSON array of the
// emails /emails takes, in permissive validation (https://resend.com/docs/dashboard/emails/batch-validation-modes),
// answered with an id per created email and { index, message } per refused one.
import { type MailMessage, normalizeMessage } from "@posse/mail-core";
import { MAX_RESPONSE_BYTES, type MailTransport, parseAddress } from "@posse/mail-core/provider";
import {
  type CapturedRequest,
  CONTRACT_FROM,
  captureJsonRequest,
  createContractMailer,
  createFakeClock,
  endlessAnswer,
  findSecret,
  startHostileVendor,
  startLoopbackVendor,
  type VendorAnswer,
} from "@posse/mail-core/testing";
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

/** A vendor answer with `status`, `body` (JSON unless a string) and `headers`. */
function answering(status: number, body: unknown, headers: Record<string, string> = {}): VendorAnswer {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const type = typeof body === "string" ? "text/html" : "application/json";
  return (response) => {
    response.writeHead(status, { "content-type": type, ...headers });
    response.end(text);
  };
}

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

  it("gives every message the RATE_LIMITED of a 429 to the whole batch, through mailer.sendMany", async () => {
    const captured = answerBatch(
      429,
      { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests." },
      { "Retry-After": "7" },
    );
    const mailer = await createContractMailer(resendProvider, { apiKey: API_KEY });
    const results = await mailer.sendMany([
      { to: "ann@example.com", subject: "One", text: "Hi" },
      { to: "carol@example.com", subject: "Two", text: "Hi" },
    ]);
    expect(captured).toHaveLength(1);
    for (const result of results) {
      expect(result).toMatchObject({
        ok: false,
        error: { code: "RATE_LIMITED", provider: "resend", status: 429, retryAfterMs: 7000 },
      });
    }
  });
});

describe("resend batch over a real socket", () => {
  const vendors: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(vendors.splice(0).map((vendor) => vendor.close()));
  });

  const failures: [string, number, unknown, Record<string, string>, Record<string, unknown>][] = [
    [
      "a missing key",
      401,
      { name: "missing_api_key", message: "Missing API key in the authorization header" },
      {},
      { code: "AUTH", retryable: false },
    ],
    [
      "the rate limit",
      429,
      { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests." },
      { "retry-after": "7" },
      { code: "RATE_LIMITED", retryable: true, retryAfterMs: 7000 },
    ],
    ["an outage", 502, "<html>Bad Gateway</html>", {}, { code: "UNAVAILABLE", retryable: true }],
    [
      "a 200 that is not one result per email",
      200,
      { data: [{ id: IDS[0] }] },
      {},
      { code: "UNKNOWN", outcomeUnknown: true },
    ],
    [
      "a 200 naming an email twice",
      200,
      {
        data: [{ id: IDS[0] }],
        errors: [
          { index: 1, message: "x" },
          { index: 1, message: "y" },
        ],
      },
      {},
      { code: "UNKNOWN", outcomeUnknown: true },
    ],
    [
      "a 200 page",
      200,
      "<html>Welcome to the hotel Wi-Fi</html>",
      {},
      { code: "UNKNOWN", outcomeUnknown: true },
    ],
  ];

  it("runs sendMany's beforeRequest for the batch before it leaves, and sends nothing when it refuses", async () => {
    const vendor = await startLoopbackVendor(answering(200, { data: [{ id: IDS[0] }, { id: IDS[1] }] }));
    vendors.push(vendor);
    const mailer = await createContractMailer(resendProvider, { apiKey: API_KEY, endpoint: vendor.url });
    const two = [
      { to: "ann@example.com", subject: "One", text: "Hi" },
      { to: "carol@example.com", subject: "Two", text: "Hi" },
    ];
    const seen: { indexes: number[]; requests: number }[] = [];
    const sent = await mailer.sendMany(two, {
      beforeRequest: async (indexes) => {
        seen.push({ indexes: [...indexes], requests: vendor.stats.requests });
      },
    });
    expect(seen).toEqual([{ indexes: [0, 1], requests: 0 }]);
    expect(vendor.stats.requests).toBe(1);
    expect(sent.map((result) => result.ok)).toEqual([true, true]);
    const refused = await mailer.sendMany(two, {
      beforeRequest: async () => {
        throw new Error("not now");
      },
    });
    expect(vendor.stats.requests).toBe(1);
    expect(refused.map((result) => result.ok)).toEqual([false, false]);
  });

  it.each(failures)("rejects with the error of %s (HTTP %i)", async (_, status, body, headers, expected) => {
    const vendor = await startLoopbackVendor(answering(status, body, headers));
    vendors.push(vendor);
    const error = await (await transport({ endpoint: vendor.url }))
      .sendBatch(threeMessages, context())
      .catch((e) => e);
    expect(error).toMatchObject({ name: "MailError", provider: "resend", status, ...expected });
    expect(findSecret(error, [API_KEY])).toBeUndefined();
  });

  it("closes a trickling answer's socket when the timeout fires: TIMEOUT for every message of the batch", async () => {
    const vendor = await startHostileVendor("trickle");
    vendors.push(vendor);
    const clock = createFakeClock();
    const mailer = await createContractMailer(
      resendProvider,
      { apiKey: API_KEY, endpoint: vendor.url },
      { clock, timeoutMs: 5_000 },
    );
    const outcome = mailer.sendMany([
      { to: "ann@example.com", subject: "One", text: "Hi" },
      { to: "carol@example.com", subject: "Two", text: "Hi" },
    ]);
    await vendor.connected();
    await clock.advance(5_000);
    const results = await outcome;
    expect(vendor.connections).toHaveLength(1);
    for (const result of results) {
      expect(result).toMatchObject({
        ok: false,
        error: { code: "TIMEOUT", provider: "resend", outcomeUnknown: true },
      });
    }
    expect(await vendor.allClosed(2_000)).toBe(true);
  });

  it("stops reading an endless 200 and rejects with UNKNOWN and its status", async () => {
    const vendor = await startLoopbackVendor(endlessAnswer(200, '{"data":[{"id":"'));
    vendors.push(vendor);
    const error = await (await transport({ endpoint: vendor.url }))
      .sendBatch(threeMessages, context())
      .catch((e) => e);
    await vendor.closed;
    // The limit plus what loopback socket buffers and stream queues hold when the reader stops.
    expect(vendor.stats.written).toBeLessThan(MAX_RESPONSE_BYTES + 12 * 1024 * 1024);
    expect(error).toMatchObject({ code: "UNKNOWN", provider: "resend", status: 200, outcomeUnknown: true });
  });

  it("keeps a refused message's own error when the request carrying the others fails", async () => {
    const vendor = await startLoopbackVendor(answering(503, "<html>Service Unavailable</html>"));
    vendors.push(vendor);
    const [refused] = normalized([
      {
        to: "bob@example.com",
        subject: "Two",
        text: "Hi",
        attachments: [{ filename: "a.txt", content: "a" }],
      },
    ]);
    const messages = [threeMessages[0]!, refused!, threeMessages[2]!];
    const results = await (await transport({ endpoint: vendor.url })).sendBatch(messages, context());
    expect(results.map((result) => (result as { code?: string }).code)).toEqual([
      "UNAVAILABLE",
      "UNSUPPORTED",
      "UNAVAILABLE",
    ]);
    expect(results[1]).toMatchObject({ field: "attachments", provider: "resend" });
  });

  it("follows no redirect: a 307 rejects with an error of unknown outcome", async () => {
    const target = await startLoopbackVendor(answering(200, { data: [] }));
    const vendor = await startLoopbackVendor((response) => {
      response.writeHead(307, { location: `${target.url}/emails/batch` });
      response.end();
    });
    vendors.push(target, vendor);
    const error = await (await transport({ endpoint: vendor.url }))
      .sendBatch(threeMessages, context())
      .catch((e) => e);
    expect(target.stats.requests).toBe(0);
    expect(error).toMatchObject({
      code: "UNKNOWN",
      provider: "resend",
      status: 307,
      outcomeUnknown: true,
    });
  });
});
