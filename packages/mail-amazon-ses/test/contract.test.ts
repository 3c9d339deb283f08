// Contract tests: MSW stands in for https://email.{region}.amazonaws.com at the network layer and checks
// each request as the SES API v2 reference defines it (POST /v2/email/outbound-emails, SigV4 with service
// "ses", restJson1 body; errors named by the x-amzn-ErrorType header).
import { createHash, createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import {
  type CreateMailerOptions,
  createMailer,
  MailError,
  normalizeMessage,
  parseAddress,
} from "@posse/mail-core";
import {
  CONTRACT_FROM,
  createContractMailer,
  deferred,
  findSecret,
  fullMessage,
  minimalMessage,
  PDF_BYTES,
  PNG_BYTES,
} from "@posse/mail-core/testing";
import { describeProviderConformance, readMailbox } from "@posse/mail-testkit";
import { delay, HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type AmazonSesConfig, amazonSesProvider } from "../src/index.js";

const API = "https://email.us-east-1.amazonaws.com";
const SEND = `${API}/v2/email/outbound-emails`;
const ACCOUNT = `${API}/v2/email/account`;
const KEY_ID = "AKIACONTRACTEXAMPLE1";
const SECRET = "contract/SECRET+key/7f3a9c1e2b";
const TOKEN = "contract-SESSION-token-SECRET-4e2b";
const MESSAGE_ID = "010001890f6c2b5e-2f0e7b7a-3c1d-4a8e-9f0b-6d2c1e5a7b9c-000000";
const server = setupServer();

interface Captured {
  method: string;
  url: string;
  headers: Headers;
  text: string;
  body: unknown;
}

async function capture(request: Request): Promise<Captured> {
  const text = await request.text();
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    text,
    body: text ? JSON.parse(text) : undefined,
  };
}

function captureSend(url = SEND) {
  const captured: Captured[] = [];
  server.use(
    http.post(url, async ({ request }) => {
      captured.push(await capture(request));
      return HttpResponse.json({ MessageId: MESSAGE_ID });
    }),
  );
  return captured;
}

const mailerWith = (config: AmazonSesConfig) => createContractMailer(amazonSesProvider, config);

const mailer = (config: Partial<AmazonSesConfig> = {}, options: Partial<CreateMailerOptions> = {}) =>
  createContractMailer(
    amazonSesProvider,
    { region: "us-east-1", accessKeyId: KEY_ID, secretAccessKey: SECRET, ...config },
    options,
  );

const hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

/** Recomputes the SigV4 signature of a captured request with the secret only the test and SES know. */
function expectSigV4(request: Captured, region: string, keyId = KEY_ID, secret = SECRET) {
  const authorization = request.headers.get("authorization") ?? "";
  const date = request.headers.get("x-amz-date") ?? "";
  expect(date).toMatch(/^\d{8}T\d{6}Z$/);
  const day = date.slice(0, 8);
  const scope = `${day}/${region}/ses/aws4_request`;
  expect(authorization.startsWith(`AWS4-HMAC-SHA256 Credential=${keyId}/${scope}, SignedHeaders=`)).toBe(
    true,
  );
  expect(request.headers.get("x-amz-content-sha256")).toBe(hex(request.text));
  const signed = /SignedHeaders=([^,]+)/.exec(authorization)![1]!;
  const url = new URL(request.url);
  const headerValue = (name: string) =>
    (name === "host" ? (request.headers.get("host") ?? url.host) : (request.headers.get(name) ?? ""))
      .trim()
      .replace(/\s+/g, " ");
  const canonical = [
    request.method,
    url.pathname,
    url.search.slice(1),
    ...signed.split(";").map((name) => `${name}:${headerValue(name)}`),
    "",
    signed,
    hex(request.text),
  ].join("\n");
  const toSign = ["AWS4-HMAC-SHA256", date, scope, hex(canonical)].join("\n");
  const key = ["aws4_request"].reduce(
    (k, part) => hmac(k, part),
    hmac(hmac(hmac(`AWS4${secret}`, day), region), "ses"),
  );
  expect(authorization.endsWith(`Signature=${createHmac("sha256", key).update(toSign).digest("hex")}`)).toBe(
    true,
  );
}

/**
 * Reads one RFC 5322 mailbox string back the way a mail client (and SES) would: a quoted-string name is
 * unquoted, RFC 2047 encoded-words are decoded (whitespace between adjacent words dropped).
 */
function parseMailbox(value: string): { name?: string; address: string } {
  expect(value).toMatch(/^[\x20-\x7e]+$/);
  const match = /^(.*?)\s*<([^<>]+)>$/.exec(value);
  if (!match) return { address: value };
  const phrase = match[1]!.trim();
  if (phrase.startsWith('"')) {
    expect(phrase.endsWith('"')).toBe(true);
    return { name: phrase.slice(1, -1).replace(/\\(.)/g, "$1"), address: match[2]! };
  }
  const words = phrase.match(/=\?[^?]+\?[BbQq]\?[^?]*\?=/g) ?? [];
  for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
  const name = phrase
    .replace(/(\?=)\s+(?==\?)/g, "$1")
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset: string, encoding: string, text: string) => {
      const bytes =
        encoding.toUpperCase() === "B"
          ? Buffer.from(text, "base64")
          : Buffer.from(
              text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_h, code: string) => `%${code}`),
              "latin1",
            );
      return new TextDecoder(charset).decode(bytes);
    });
  return { name, address: match[2]! };
}

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.unstubAllEnvs();
});
afterAll(() => server.close());

// The error type SES names in x-amzn-ErrorType for each status the conformance suite tries.
const ERROR_TYPES: Record<number, string> = {
  400: "MessageRejected",
  401: "UnrecognizedClientException",
  403: "UnrecognizedClientException",
  422: "BadRequestException",
  429: "TooManyRequestsException",
  500: "InternalFailure",
  503: "ServiceUnavailable",
  504: "InternalFailure",
};

// What every provider must do (fields carried or refused, hostile names, the error matrix, refused and reset
// connections, timeout, abort, MAIL_RETRY_ATTEMPTS, no 2xx taken for a receipt, detection, lazy SDK).
describeProviderConformance({
  definition: amazonSesProvider,
  // Temporary credentials, so the session token is one more secret that must never surface.
  config: { region: "us-east-1", accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: TOKEN },
  withEndpoint: (origin) => ({
    region: "us-east-1",
    accessKeyId: KEY_ID,
    secretAccessKey: SECRET,
    sessionToken: TOKEN,
    endpoint: origin,
  }),
  env: {
    AWS_SES_REGION: "us-east-1",
    AWS_SES_ACCESS_KEY_ID: KEY_ID,
    AWS_SES_SECRET_ACCESS_KEY: SECRET,
    AWS_SES_SESSION_TOKEN: TOKEN,
  },
  secrets: [KEY_ID, SECRET, TOKEN],
  server,
  sendUrl: SEND,
  success: () => HttpResponse.json({ MessageId: MESSAGE_ID }),
  messageId: MESSAGE_ID,
  failure: (status, text, headers) =>
    HttpResponse.json(
      { message: text },
      { status, headers: { "x-amzn-ErrorType": ERROR_TYPES[status] ?? "InternalFailure", ...headers } },
    ),
  addresses: (request) => {
    const body = JSON.parse(request.text) as {
      FromEmailAddress: string;
      Destination: { ToAddresses: string[] };
    };
    return { from: readMailbox(body.FromEmailAddress), to: body.Destination.ToAddresses.map(readMailbox) };
  },
  // The SDK's node http handler takes the signal, but MSW does not report its abort (tested below).
  abortsRequest: false,
  sdk: {
    entries: ["index.js", "index.cjs"].map((file) =>
      fileURLToPath(new URL(`../dist/${file}`, import.meta.url)),
    ),
    module: "/node_modules/@aws-sdk/client-sesv2/",
  },
});

describe("amazon_ses contract", () => {
  it("sends a minimal message as a minimal, SigV4-signed request", async () => {
    const captured = captureSend();
    const receipt = await (await mailer()).send(minimalMessage);
    expect(receipt).toEqual({ provider: "amazon_ses", messageId: MESSAGE_ID });
    expect(captured).toHaveLength(1);
    const [request] = captured;
    expect(request!.method).toBe("POST");
    expect(request!.url).toBe(SEND);
    expect(request!.headers.get("content-type")).toBe("application/json");
    expect(request!.headers.get("amz-sdk-request")).toBe("attempt=1; max=1");
    expect(request!.headers.has("x-amz-security-token")).toBe(false);
    expectSigV4(request!, "us-east-1");
    expect(request!.body).toEqual({
      FromEmailAddress: "Possy <possy@posseparty.example>",
      Destination: { ToAddresses: ["ann@example.com"] },
      Content: {
        Simple: {
          Subject: { Data: "Hello", Charset: "UTF-8" },
          Body: { Text: { Data: "Hi Ann", Charset: "UTF-8" } },
        },
      },
    });
  });

  it("signs for another region and sends to that region's host", async () => {
    const captured = captureSend("https://email.eu-west-1.amazonaws.com/v2/email/outbound-emails");
    await (await mailer({ region: "eu-west-1" })).send(minimalMessage);
    expect(captured).toHaveLength(1);
    expect(captured[0]!.url).toBe("https://email.eu-west-1.amazonaws.com/v2/email/outbound-emails");
    expectSigV4(captured[0]!, "eu-west-1");
  });

  it("sends temporary credentials' session token as x-amz-security-token", async () => {
    const captured = captureSend();
    await (await mailer({ sessionToken: TOKEN })).send(minimalMessage);
    expect(captured[0]!.headers.get("x-amz-security-token")).toBe(TOKEN);
    expect(captured[0]!.headers.get("authorization")).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
    expectSigV4(captured[0]!, "us-east-1");
  });

  it("uses the AWS default credential chain when no keys are configured", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAFROMTHECHAIN0001");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "chain-SECRET-key-0001");
    vi.stubEnv("AWS_SESSION_TOKEN", "");
    const captured = captureSend();
    await (await mailerWith({ region: "us-east-1" })).send(minimalMessage);
    expectSigV4(captured[0]!, "us-east-1", "AKIAFROMTHECHAIN0001", "chain-SECRET-key-0001");
  });

  it("raises CONFIG without a request when the default credential chain finds nothing", async () => {
    for (const name of [
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_SESSION_TOKEN",
      "AWS_PROFILE",
      "AWS_WEB_IDENTITY_TOKEN_FILE",
      "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
      "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ]) {
      vi.stubEnv(name, "");
    }
    vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/posse/credentials");
    vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/posse/config");
    const captured = captureSend();
    const error = await (await mailerWith({ region: "us-east-1" })).send(minimalMessage).catch((e) => e);
    expect(error).toMatchObject({ code: "CONFIG", provider: "amazon_ses", retryable: false });
    expect(error.message).toContain("CredentialsProviderError");
    expect(captured).toHaveLength(0);
  });

  it("sends to a configured endpoint instead of the regional host", async () => {
    const captured = captureSend("https://ses-proxy.example/v2/email/outbound-emails");
    await (await mailer({ endpoint: "https://ses-proxy.example" })).send(minimalMessage);
    expect(captured).toHaveLength(1);
    expectSigV4(captured[0]!, "us-east-1");
  });

  it("sends every field of a full message", async () => {
    const captured = captureSend();
    await (await mailer({ configurationSetName: "posse-events" })).send({
      ...fullMessage,
      idempotencyKey: "login-42-1",
    });
    const [request] = captured;
    expect(request!.body).toEqual({
      FromEmailAddress: "=?UTF-8?B?wqtQb3NzecK7IFBhcnR5?= <possy@posseparty.example>",
      Destination: {
        ToAddresses: ['"Doe, Ann \\"Annie\\"" <ann@example.com>', "bob@example.com"],
        CcAddresses: ["=?UTF-8?B?Q2Fyb2wgw5xuw69jb2Rl?= <carol@example.com>"],
        BccAddresses: ["dave@example.com"],
      },
      ReplyToAddresses: ['"Support, Team" <support@posseparty.example>'],
      Content: {
        Simple: {
          Subject: { Data: "Sign in to POSSE Party ✓ — ünïcødé", Charset: "UTF-8" },
          Body: {
            Text: { Data: "Your link: https://posseparty.example/login/abc", Charset: "UTF-8" },
            Html: {
              Data: '<p>Your <a href="https://posseparty.example/login/abc">link</a> <img src="cid:logo@posse"></p>',
              Charset: "UTF-8",
            },
          },
          Headers: [
            { Name: "X-Entity-Ref-ID", Value: "ref-123" },
            { Name: "X-Idempotency-Key", Value: "login-42-1" },
          ],
          Attachments: [
            {
              RawContent: Buffer.from(PDF_BYTES).toString("base64"),
              FileName: "report.pdf",
              ContentDisposition: "ATTACHMENT",
              ContentTransferEncoding: "BASE64",
              ContentType: "application/pdf",
            },
            {
              RawContent: Buffer.from(PNG_BYTES).toString("base64"),
              FileName: "logo.png",
              ContentDisposition: "INLINE",
              ContentId: "logo@posse",
              ContentTransferEncoding: "BASE64",
              ContentType: "image/png",
            },
          ],
        },
      },
      EmailTags: [
        { Name: "login", Value: "true" },
        { Name: "user_id", Value: "42" },
      ],
      ConfigurationSetName: "posse-events",
    });
    // Read the address strings back as SES does: every name and address survives.
    const body = request!.body as {
      FromEmailAddress: string;
      Destination: { ToAddresses: string[]; CcAddresses: string[] };
      ReplyToAddresses: string[];
    };
    expect(parseMailbox(body.FromEmailAddress)).toEqual({
      name: "«Possy» Party",
      address: "possy@posseparty.example",
    });
    expect(body.Destination.ToAddresses.map(parseMailbox)).toEqual([
      { name: 'Doe, Ann "Annie"', address: "ann@example.com" },
      { address: "bob@example.com" },
    ]);
    expect(body.Destination.CcAddresses.map(parseMailbox)).toEqual([
      { name: "Carol Ünïcode", address: "carol@example.com" },
    ]);
    expect(body.ReplyToAddresses.map(parseMailbox)).toEqual([
      { name: "Support, Team", address: "support@posseparty.example" },
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
    const simple = (captured[0]!.body as { Content: { Simple: { Attachments: unknown } } }).Content.Simple;
    expect(simple.Attachments).toEqual([
      {
        RawContent: Buffer.from("Grüße ✓").toString("base64"),
        FileName: "notes.txt",
        ContentDisposition: "ATTACHMENT",
        ContentTransferEncoding: "BASE64",
        ContentType: "text/plain; charset=utf-8",
      },
      {
        RawContent: Buffer.from("<p>Grüße</p>").toString("base64"),
        FileName: "page.html",
        ContentDisposition: "ATTACHMENT",
        ContentTransferEncoding: "BASE64",
        ContentType: "text/html; charset=utf-8",
      },
    ]);
  });

  it("splits a long non-ASCII name into short encoded-words and sends an IDN domain as Punycode", async () => {
    const captured = captureSend();
    const name = "Ünïcødé ✓ Ärger — 日本語の名前 « Posse » =?not-a-word?= and more text";
    await (await mailer()).send({
      ...minimalMessage,
      to: [
        { address: "ann@bücher.example", name },
        { address: "bob@example.com", name: "=?UTF-8?B?Qm9i?=" },
      ],
    });
    const to = (captured[0]!.body as { Destination: { ToAddresses: string[] } }).Destination.ToAddresses;
    expect(to[0]!.split(" ").filter((word) => word.startsWith("=?")).length).toBeGreaterThan(1);
    expect(to.map(parseMailbox)).toEqual([
      { name, address: "ann@xn--bcher-kva.example" },
      { name: "=?UTF-8?B?Qm9i?=", address: "bob@example.com" },
    ]);
  });

  it.each([
    ["tags[0]", { tags: ["has space"] }],
    ["metadata.order", { metadata: { order: "a/b" } }],
    ["headers.X-Note", { headers: { "X-Note": "crème" } }],
    [
      "attachments[0].contentId",
      { attachments: [{ filename: "a.txt", content: "a", contentId: "x".repeat(79) }] },
    ],
  ])("refuses %s, which SES cannot carry, before any request", async (field, extra) => {
    const captured = captureSend();
    const error = await (await mailer()).send({ ...minimalMessage, ...extra }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "UNSUPPORTED", field, provider: "amazon_ses" });
    expect(captured).toHaveLength(0);
  });

  const failures: [string, number, string, Record<string, string>, Partial<MailError>][] = [
    [
      "MessageRejected",
      400,
      "Email address is not verified. The following identities failed the check in region US-EAST-1: possy@posseparty.example",
      {},
      { code: "REJECTED", retryable: false },
    ],
    [
      "MailFromDomainNotVerifiedException",
      400,
      "MAIL FROM domain is not verified.",
      {},
      { code: "REJECTED", retryable: false },
    ],
    ["BadRequestException", 400, "Missing '\"'", {}, { code: "REJECTED", retryable: false }],
    [
      "NotFoundException",
      404,
      "Configuration set <posse-events> does not exist.",
      {},
      { code: "REJECTED", retryable: false },
    ],
    [
      "AccountSuspendedException",
      400,
      "Your account has been suspended.",
      {},
      { code: "REJECTED", retryable: false },
    ],
    [
      "SendingPausedException",
      400,
      "Sending is paused for this account.",
      {},
      { code: "REJECTED", retryable: false },
    ],
    [
      "UnrecognizedClientException",
      403,
      "The security token included in the request is invalid.",
      {},
      { code: "AUTH", retryable: false },
    ],
    [
      "SignatureDoesNotMatch",
      403,
      "The request signature we calculated does not match the signature you provided.",
      {},
      { code: "AUTH", retryable: false },
    ],
    [
      "InvalidSignatureException",
      403,
      "The request signature we calculated does not match the signature you provided.",
      {},
      { code: "AUTH", retryable: false },
    ],
    [
      "AccessDeniedException",
      403,
      "User is not authorized to perform: ses:SendEmail",
      {},
      { code: "AUTH", retryable: false },
    ],
    [
      "TooManyRequestsException",
      429,
      "Maximum sending rate exceeded.",
      { "retry-after": "2" },
      { code: "RATE_LIMITED", retryable: true, retryAfterMs: 2000 },
    ],
    [
      "LimitExceededException",
      400,
      "Daily message quota exceeded.",
      {},
      { code: "RATE_LIMITED", retryable: true },
    ],
    [
      "InternalFailure",
      500,
      "The request processing has failed because of an unknown error.",
      {},
      { code: "UNAVAILABLE", retryable: true },
    ],
    ["ServiceUnavailable", 503, "Service is unavailable.", {}, { code: "UNAVAILABLE", retryable: true }],
  ];

  it.each(failures)(
    "maps %s (HTTP %i) to a MailError in one request",
    async (name, status, message, headers, expected) => {
      let requests = 0;
      server.use(
        http.post(SEND, () => {
          requests += 1;
          return HttpResponse.json(
            { message },
            {
              status,
              headers: {
                "x-amzn-ErrorType": `${name}:http://internal.amazon.com/coral/com.amazonaws.sesv2/`,
                "x-amzn-RequestId": "5e1b3c2a-9d8f-4e7a-b6c5-1a2b3c4d5e6f",
                ...headers,
              },
            },
          );
        }),
      );
      const error = await (await mailer({ sessionToken: TOKEN })).send(minimalMessage).catch((e) => e);
      expect(error).toBeInstanceOf(MailError);
      expect(error).toMatchObject({ provider: "amazon_ses", status, ...expected });
      expect(error.message).toContain(message);
      expect(error.message).toContain(`(${name})`);
      expect(requests).toBe(1);
      expect(findSecret(error, [SECRET, TOKEN])).toBeUndefined();
    },
  );

  it("never shows the access key id of a mailer created in code, even when SES echoes it", async () => {
    // SES quotes the credential scope back in signature errors; a mailer made with createMailer (no env).
    server.use(
      http.post(SEND, () =>
        HttpResponse.json(
          {
            message: `Credential should be scoped to a valid region. Credential=${KEY_ID}/20260101/us-east-1/ses/aws4_request`,
          },
          { status: 403, headers: { "x-amzn-ErrorType": "IncompleteSignature" } },
        ),
      ),
    );
    const mailer = await createMailer({
      from: CONTRACT_FROM,
      providers: {
        definition: amazonSesProvider,
        config: { region: "us-east-1", accessKeyId: KEY_ID, secretAccessKey: SECRET },
      },
      retry: { attempts: 1 },
    });
    const error = await mailer.send(minimalMessage).catch((e) => e);
    expect(error).toMatchObject({ code: "AUTH", provider: "amazon_ses", status: 403 });
    expect(error.message).toContain("Credential should be scoped to a valid region.");
    expect(findSecret(error, [KEY_ID, SECRET])).toBeUndefined();
  });

  it.each([
    ["JSON of another shape", () => HttpResponse.json([{ MessageId: MESSAGE_ID }])],
    ["a MessageId that is not a string", () => HttpResponse.json({ MessageId: 42 })],
  ])("treats a 200 with %s as UNKNOWN with an unknown outcome, in one request", async (_, answer) => {
    let requests = 0;
    server.use(
      http.post(SEND, () => {
        requests += 1;
        return answer();
      }),
    );
    // Retries allowed, but no idempotency key: an answer that may mean "sent" must not be sent again.
    const error = await (await mailer({}, { retry: { attempts: 3 }, random: () => 0 }))
      .send(minimalMessage)
      .catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "UNKNOWN", provider: "amazon_ses", outcomeUnknown: true });
    expect(requests).toBe(1);
  });

  it.each([
    ["config.endpoint", "endpoint", {}, { endpoint: "http://ses-proxy.example" }],
    [
      "AWS_ENDPOINT_URL_SESV2",
      "AWS_ENDPOINT_URL_SESV2",
      { AWS_ENDPOINT_URL_SESV2: "http://ses-proxy.example" },
      {},
    ],
    ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL", { AWS_ENDPOINT_URL: "http://ses-proxy.example:8080/" }, {}],
  ])(
    "refuses a plain-http endpoint on another host from %s with CONFIG, before sending",
    async (_, named, env: Record<string, string>, config) => {
      for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
      let requests = 0;
      server.use(
        http.all("http://ses-proxy.example*", () => {
          requests += 1;
          return HttpResponse.json({ MessageId: "stolen" });
        }),
      );
      const error = await (await mailer(config)).send(minimalMessage).catch((e) => e);
      expect(error).toBeInstanceOf(MailError);
      expect(error).toMatchObject({ code: "CONFIG", provider: "amazon_ses", retryable: false });
      expect(error.message).toContain(named);
      expect(error.message).not.toContain("ses-proxy.example");
      expect(requests).toBe(0);
    },
  );

  it("sends to a plain-http endpoint on this machine, from config or AWS_ENDPOINT_URL_SESV2", async () => {
    const captured = captureSend("http://127.0.0.1:4566/v2/email/outbound-emails");
    await (await mailer({ endpoint: "http://127.0.0.1:4566" })).send(minimalMessage);
    vi.stubEnv("AWS_ENDPOINT_URL_SESV2", "http://127.0.0.1:4566");
    await (await mailer()).send(minimalMessage);
    expect(captured).toHaveLength(2);
    expectSigV4(captured[1]!, "us-east-1");
  });

  it("follows AWS_ENDPOINT_URL_SESV2 over https, as the AWS SDK does", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_SESV2", "https://ses-vpc.internal.example");
    const captured = captureSend("https://ses-vpc.internal.example/v2/email/outbound-emails");
    await (await mailer()).send(minimalMessage);
    expect(captured).toHaveLength(1);
  });

  it("maps a non-JSON 502 to UNAVAILABLE", async () => {
    server.use(http.post(SEND, () => new HttpResponse("<html>Bad gateway</html>", { status: 502 })));
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toMatchObject({ code: "UNAVAILABLE", status: 502, retryable: true });
    expect(error.message).toMatch(
      /^amazon_ses answered HTTP 502: the answer is not an SES error \(SyntaxError: /,
    );
    expect(findSecret(error, [SECRET])).toBeUndefined();
  });

  it("hands the attempt's signal to the SDK, which abandons the request on abort", async () => {
    const reached = deferred();
    server.use(
      http.post(SEND, async () => {
        reached.resolve();
        await delay("infinite");
        return HttpResponse.json({ MessageId: "never" });
      }),
    );
    const transport = await amazonSesProvider.create(
      { region: "us-east-1", accessKeyId: KEY_ID, secretAccessKey: SECRET },
      { timeoutMs: 60_000, now: Date.now },
    );
    const controller = new AbortController();
    // No core around it: only the SDK honouring abortSignal can settle this promise.
    const send = transport.send(normalizeMessage(minimalMessage, parseAddress(CONTRACT_FROM, "from")), {
      signal: controller.signal,
      attempt: 1,
      requestStarting: async () => {},
    });
    await reached.promise;
    controller.abort();
    const error = await send.catch((e) => e);
    expect(error).toMatchObject({ code: "NETWORK", provider: "amazon_ses", outcomeUnknown: true });
    expect(error.message).toContain("AbortError");
    await transport.close?.();
  });

  it("verifies the credentials with GetAccount", async () => {
    const seen: Captured[] = [];
    server.use(
      http.get(ACCOUNT, async ({ request }) => {
        seen.push(await capture(request));
        return HttpResponse.json({ SendingEnabled: true, ProductionAccessEnabled: true });
      }),
    );
    await expect((await mailer()).verify()).resolves.toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe("GET");
    expectSigV4(seen[0]!, "us-east-1");
    server.use(
      http.get(ACCOUNT, () =>
        HttpResponse.json(
          { message: "The security token included in the request is invalid." },
          { status: 403, headers: { "x-amzn-ErrorType": "UnrecognizedClientException" } },
        ),
      ),
    );
    const error = await (await mailer()).verify().catch((e) => e);
    expect(error).toMatchObject({ code: "AUTH", provider: "amazon_ses", status: 403 });
    expect(findSecret(error, [SECRET])).toBeUndefined();
  });

  it.each([
    ["no region", { region: "", accessKeyId: KEY_ID, secretAccessKey: SECRET }, "region"],
    ["a key id without its secret", { region: "us-east-1", accessKeyId: KEY_ID }, "secretAccessKey"],
    ["a secret without its key id", { region: "us-east-1", secretAccessKey: SECRET }, "accessKeyId"],
  ])("refuses %s with a CONFIG error", async (_, config: AmazonSesConfig, named) => {
    const error = await mailerWith(config).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "amazon_ses" });
    expect(error.message).toContain(named);
    expect(findSecret(error, [KEY_ID, SECRET])).toBeUndefined();
  });
});
