// Contract tests: MSW stands in for https://api.sparkpost.com at the network layer and checks each request
// as SparkPost's Transmissions API defines it (POST /api/v1/transmissions, the bare key in Authorization,
// inline content JSON), then runs the conformance suite every posse-mail provider passes.
import { type MailAddress, MailError } from "@posse/mail-core";
import {
  createContractMailer,
  fullMessage,
  minimalMessage,
  PDF_BYTES,
  PNG_BYTES,
} from "@posse/mail-core/testing";
import {
  type CapturedRequest,
  captureRequest,
  describeProviderConformance,
  readMailboxList,
} from "@posse/mail-testkit";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type SparkpostConfig, sparkpostProvider } from "../src/index.js";

const API = "https://api.sparkpost.com/api/v1";
const API_KEY = "sp-contract-SECRET-0a9b8c7d";
const TRANSMISSION_ID = "11668787484950529";
const server = setupServer();

const success = () =>
  HttpResponse.json({
    results: { total_rejected_recipients: 0, total_accepted_recipients: 1, id: TRANSMISSION_ID },
  });

function captureSend() {
  const captured: CapturedRequest[] = [];
  server.use(
    http.post(`${API}/transmissions`, async ({ request }) => {
      captured.push(await captureRequest(request));
      return success();
    }),
  );
  return captured;
}

const mailer = (config: Partial<SparkpostConfig> = {}) =>
  createContractMailer(sparkpostProvider, { apiKey: API_KEY, ...config });

type Body = {
  recipients: { address: { email: string; header_to: string }; tags?: string[] }[];
  content: { from: { email: string; name?: string } } & Record<string, unknown>;
  metadata?: Record<string, string>;
};
const bodyOf = (request: CapturedRequest) => JSON.parse(request.text) as Body;
const fromOf = ({ email, name }: { email: string; name?: string }): MailAddress =>
  name === undefined ? { address: email } : { address: email, name };

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describeProviderConformance({
  definition: sparkpostProvider,
  config: { apiKey: API_KEY },
  withEndpoint: (origin) => ({ apiKey: API_KEY, endpoint: `${origin}/api/v1` }),
  // It awaits requestStarting just before it calls fetch, so before connecting.
  startsBeforeConnecting: true,
  env: { SPARKPOST_API_KEY: API_KEY },
  secrets: [API_KEY],
  server,
  sendUrl: `${API}/transmissions`,
  success,
  messageId: TRANSMISSION_ID,
  failure: (status, text, headers) =>
    HttpResponse.json({ errors: [{ message: text, code: String(status * 10) }] }, { status, headers }),
  addresses: (request) => {
    const body = bodyOf(request);
    return { from: fromOf(body.content.from), to: readMailboxList(body.recipients[0]!.address.header_to) };
  },
  abortsRequest: true,
});

describe("sparkpost contract", () => {
  it("sends a minimal message as a minimal request, the bare key in Authorization", async () => {
    const captured = captureSend();
    await (await mailer()).send(minimalMessage);
    expect(captured[0]!.headers.get("authorization")).toBe(API_KEY);
    expect(captured[0]!.headers.get("content-type")).toBe("application/json");
    expect(bodyOf(captured[0]!)).toEqual({
      recipients: [{ address: { email: "ann@example.com", header_to: "ann@example.com" } }],
      content: {
        from: { email: "possy@posseparty.example", name: "Possy" },
        subject: "Hello",
        text: "Hi Ann",
      },
    });
  });

  it("sends every field of a full message: one copy per recipient, To and CC headers as a mail client shows them", async () => {
    const captured = captureSend();
    await (await mailer()).send({ ...fullMessage, idempotencyKey: "login-42-1" });
    const headerTo = '"Doe, Ann \\"Annie\\"" <ann@example.com>, bob@example.com';
    expect(bodyOf(captured[0]!)).toEqual({
      recipients: ["ann@example.com", "bob@example.com", "carol@example.com", "dave@example.com"].map(
        (email) => ({ address: { email, header_to: headerTo }, tags: ["login"] }),
      ),
      content: {
        from: { email: "possy@posseparty.example", name: "«Possy» Party" },
        subject: "Sign in to POSSE Party ✓ — ünïcødé",
        text: "Your link: https://posseparty.example/login/abc",
        html: '<p>Your <a href="https://posseparty.example/login/abc">link</a> <img src="cid:logo@posse"></p>',
        reply_to: '"Support, Team" <support@posseparty.example>',
        headers: {
          "X-Entity-Ref-ID": "ref-123",
          CC: '"Carol Ünïcode" <carol@example.com>',
          "X-Idempotency-Key": "login-42-1",
        },
        attachments: [
          { name: "report.pdf", type: "application/pdf", data: Buffer.from(PDF_BYTES).toString("base64") },
        ],
        // SparkPost names an inline image by what the HTML's cid: refers to.
        inline_images: [
          { name: "logo@posse", type: "image/png", data: Buffer.from(PNG_BYTES).toString("base64") },
        ],
      },
      metadata: { user_id: "42" },
    });
  });

  it("sends to the EU host when the region is eu", async () => {
    const seen: string[] = [];
    server.use(
      http.post("https://api.eu.sparkpost.com/api/v1/transmissions", ({ request }) => {
        seen.push(request.url);
        return success();
      }),
    );
    await (await mailer({ region: "eu" })).send(minimalMessage);
    expect(seen).toEqual(["https://api.eu.sparkpost.com/api/v1/transmissions"]);
  });

  it("puts SparkPost's error message, description and code in the error", async () => {
    server.use(
      http.post(`${API}/transmissions`, () =>
        HttpResponse.json(
          {
            errors: [
              {
                message: "Message generation rejected",
                description: "recipient address suppressed due to customer policy",
                code: "1902",
              },
            ],
          },
          { status: 400 },
        ),
      ),
    );
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "REJECTED", provider: "sparkpost", status: 400 });
    expect(error.message).toBe(
      "sparkpost answered HTTP 400: Message generation rejected: recipient address suppressed due to customer policy (code 1902)",
    );
  });

  it("treats a 200 whose results carry no id as UNKNOWN with an unknown outcome", async () => {
    server.use(http.post(`${API}/transmissions`, () => HttpResponse.json({ results: { id: "" } })));
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toMatchObject({
      code: "UNKNOWN",
      provider: "sparkpost",
      status: 200,
      outcomeUnknown: true,
    });
  });

  it("refuses a plain-http endpoint to a non-loopback host with CONFIG, before any request", async () => {
    const error = await mailer({ endpoint: "http://sparkpost-proxy.example/api/v1" }).catch((e) => e);
    expect(error).toMatchObject({ code: "CONFIG", provider: "sparkpost" });
    expect(error.message).not.toContain("sparkpost-proxy.example");
  });

  it("verifies the key by reading the account", async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${API}/account`, ({ request }) => {
        seen.push(request.headers.get("authorization") ?? "");
        return HttpResponse.json({ results: { customer_id: 1 } });
      }),
    );
    await expect((await mailer()).verify()).resolves.toBeUndefined();
    expect(seen).toEqual([API_KEY]);
    server.use(
      http.get(`${API}/account`, () =>
        HttpResponse.json({ errors: [{ message: "Unauthorized." }] }, { status: 401 }),
      ),
    );
    await expect((await mailer()).verify()).rejects.toMatchObject({ code: "AUTH", status: 401 });
  });
});
