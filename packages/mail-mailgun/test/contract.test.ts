// Contract tests: MSW stands in for https://api.mailgun.net (and the EU host) at the network layer and
// checks each request as Mailgun's API reference defines it (POST /v3/{domain}/messages, Basic api:KEY,
// multipart/form-data with repeated fields and raw file parts).
import { fileURLToPath } from "node:url";
import { type CreateMailerOptions, MailError, type Mailer } from "@posse/mail-core";
import { MAX_RESPONSE_BYTES } from "@posse/mail-core/provider";
import {
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
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { MailgunConfig } from "../src/index.js";
import { mailgunProvider } from "../src/index.js";

const US = "https://api.mailgun.net";
const EU = "https://api.eu.mailgun.net";
const DOMAIN = "mg.example.com";
const API_KEY = "key-contract-SECRET-5f1c9d";
const BASIC = `Basic ${Buffer.from(`api:${API_KEY}`).toString("base64")}`;
const MESSAGE_ID = "<20260101000000.1.ABCDEF0123@mg.example.com>";
const server = setupServer();

type Field = string | { name: string; type: string; bytes: Uint8Array };

interface Captured {
  method: string;
  url: string;
  headers: Headers;
  /** Each form field: one value, or an array when the field repeats. */
  fields: Record<string, Field | Field[]>;
}

async function readForm(request: Request): Promise<Captured["fields"]> {
  const fields: Record<string, Field[]> = {};
  for (const [key, value] of (await request.formData()).entries()) {
    const field: Field =
      typeof value === "string"
        ? value
        : { name: value.name, type: value.type, bytes: new Uint8Array(await value.arrayBuffer()) };
    fields[key] = [...(fields[key] ?? []), field];
  }
  return Object.fromEntries(
    Object.entries(fields).map(([key, values]) => [key, values.length === 1 ? values[0]! : values]),
  );
}

function captureSend(base = US) {
  const captured: Captured[] = [];
  server.use(
    http.post(`${base}/v3/${DOMAIN}/messages`, async ({ request }) => {
      captured.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        fields: await readForm(request),
      });
      return HttpResponse.json({ id: MESSAGE_ID, message: "Queued. Thank you." });
    }),
  );
  return captured;
}

const mailer = (options: Partial<CreateMailerOptions> = {}, config: Partial<MailgunConfig> = {}) =>
  createContractMailer(mailgunProvider, { apiKey: API_KEY, domain: DOMAIN, ...config }, options);

// RFC 5322 `display-name <addr>`, with the display name a quoted-string or plain words, as Mailgun reads it.
function parseMailbox(value: string): { name?: string; address: string } {
  const match = /^(?:"((?:[^"\\]|\\.)*)"|([^"<]*?))\s*<([^<>]+)>$/.exec(value);
  if (!match) return { address: value };
  const name = match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : match[2]!;
  return { name, address: match[3]! };
}

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

// What every provider must do (fields carried or refused, hostile names, the error matrix, refused and reset
// connections, timeout, abort, MAIL_RETRY_ATTEMPTS, no 2xx taken for a receipt, detection, lazy SDK).
describeProviderConformance({
  definition: mailgunProvider,
  config: { apiKey: API_KEY, domain: DOMAIN },
  withEndpoint: (origin) => ({ apiKey: API_KEY, domain: DOMAIN, endpoint: origin }),
  env: { MAILGUN_API_KEY: API_KEY, MAILGUN_DOMAIN: DOMAIN },
  secrets: [API_KEY, BASIC.slice("Basic ".length)],
  server,
  sendUrl: `${US}/v3/${DOMAIN}/messages`,
  success: () => HttpResponse.json({ id: MESSAGE_ID, message: "Queued. Thank you." }),
  messageId: MESSAGE_ID,
  failure: (status, text, headers) => HttpResponse.json({ message: text }, { status, headers }),
  addresses: async (request) => {
    const form = await new Response(request.text, {
      headers: { "content-type": request.headers.get("content-type") ?? "" },
    }).formData();
    return {
      from: readMailbox(String(form.get("from"))),
      to: form.getAll("to").map((value) => readMailbox(String(value))),
    };
  },
  // Sent with node:https, whose abort MSW does not report; the real-socket checks of the suite prove that a
  // timeout and the caller's abort close the socket.
  abortsRequest: false,
  sdk: {
    entries: ["index.js", "index.cjs"].map((file) =>
      fileURLToPath(new URL(`../dist/${file}`, import.meta.url)),
    ),
    module: "/node_modules/mailgun.js/",
  },
});

describe("mailgun contract", () => {
  it("sends a minimal message as a minimal request", async () => {
    const captured = captureSend();
    const receipt = await (await mailer()).send(minimalMessage);
    expect(receipt).toEqual({ provider: "mailgun", messageId: MESSAGE_ID });
    expect(captured).toHaveLength(1);
    const [request] = captured;
    expect(request!.method).toBe("POST");
    expect(request!.url).toBe(`${US}/v3/${DOMAIN}/messages`);
    expect(request!.headers.get("authorization")).toBe(BASIC);
    expect(request!.headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=-+[0-9a-f]+$/);
    expect(request!.fields).toEqual({
      from: "Possy <possy@posseparty.example>",
      to: "ann@example.com",
      subject: "Hello",
      text: "Hi Ann",
    });
  });

  it("sends every field of a full message", async () => {
    const captured = captureSend();
    await (await mailer()).send({ ...fullMessage, idempotencyKey: "login-42-1" });
    const [request] = captured;
    expect(request!.fields).toEqual({
      from: '"«Possy» Party" <possy@posseparty.example>',
      to: ['"Doe, Ann \\"Annie\\"" <ann@example.com>', "bob@example.com"],
      cc: '"Carol Ünïcode" <carol@example.com>',
      bcc: "dave@example.com",
      "h:Reply-To": '"Support, Team" <support@posseparty.example>',
      subject: "Sign in to POSSE Party ✓ — ünïcødé",
      text: "Your link: https://posseparty.example/login/abc",
      html: '<p>Your <a href="https://posseparty.example/login/abc">link</a> <img src="cid:logo@posse"></p>',
      "h:X-Entity-Ref-ID": "ref-123",
      "h:X-Idempotency-Key": "login-42-1",
      "o:tag": "login",
      "v:user_id": "42",
      attachment: { name: "report.pdf", type: "application/pdf", bytes: PDF_BYTES },
      // Mailgun gives an inline part the Content-ID of its file name: the HTML's cid:logo@posse.
      inline: { name: "logo@posse", type: "image/png", bytes: PNG_BYTES },
    });
    // Mailgun reads the strings as RFC 5322 mailboxes: the hostile names come back intact.
    const to = request!.fields.to as string[];
    expect(to.map(parseMailbox)).toEqual([
      { name: 'Doe, Ann "Annie"', address: "ann@example.com" },
      { address: "bob@example.com" },
    ]);
    expect(parseMailbox(request!.fields.from as string)).toEqual({
      name: "«Possy» Party",
      address: "possy@posseparty.example",
    });
    expect(parseMailbox(request!.fields["h:Reply-To"] as string)).toEqual({
      name: "Support, Team",
      address: "support@posseparty.example",
    });
  });

  it("repeats to, cc, bcc, o:tag and file parts and joins several Reply-To addresses", async () => {
    const captured = captureSend();
    await (await mailer()).send({
      to: ["a@example.com", "b@example.com"],
      cc: ["c@example.com", "d@example.com"],
      bcc: ["e@example.com", "f@example.com"],
      replyTo: ["Help, Desk <help@example.com>", "g@example.com"],
      subject: "s",
      html: "<p>h</p>",
      tags: ["one", "two"],
      attachments: [
        { filename: "a.pdf", content: PDF_BYTES, contentType: "application/pdf" },
        { filename: "b.pdf", content: PDF_BYTES, contentType: "application/pdf" },
      ],
    });
    expect(captured[0]!.fields).toEqual({
      from: "Possy <possy@posseparty.example>",
      to: ["a@example.com", "b@example.com"],
      cc: ["c@example.com", "d@example.com"],
      bcc: ["e@example.com", "f@example.com"],
      "h:Reply-To": '"Help, Desk" <help@example.com>, g@example.com',
      subject: "s",
      html: "<p>h</p>",
      "o:tag": ["one", "two"],
      attachment: [
        { name: "a.pdf", type: "application/pdf", bytes: PDF_BYTES },
        { name: "b.pdf", type: "application/pdf", bytes: PDF_BYTES },
      ],
    });
  });

  it("sends to the EU host when the region is eu", async () => {
    const captured = captureSend(EU);
    await (await mailer({}, { region: "eu" })).send(minimalMessage);
    expect(captured.map((request) => request.url)).toEqual([`${EU}/v3/${DOMAIN}/messages`]);
    expect(captured[0]!.headers.get("authorization")).toBe(BASIC);
  });

  const unsupported: [string, Parameters<Mailer["send"]>[0], string][] = [
    ["a non-ASCII tag", { ...minimalMessage, tags: ["ünï"] }, "tags[0]"],
    ["a tag over 128 characters", { ...minimalMessage, tags: ["x".repeat(129)] }, "tags[0]"],
    ["more than 10 tags", { ...minimalMessage, tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, "tags"],
    [
      "a contentId with a slash",
      { ...minimalMessage, attachments: [{ filename: "a.png", content: PNG_BYTES, contentId: "a/b@c" }] },
      "attachments[0].contentId",
    ],
    [
      "a file name with a slash",
      { ...minimalMessage, attachments: [{ filename: "dir/a.pdf", content: PDF_BYTES }] },
      "attachments[0].filename",
    ],
  ];

  it.each(unsupported)("refuses %s before any request", async (_, message, field) => {
    const captured = captureSend();
    const error = await (await mailer()).send(message).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "UNSUPPORTED", field, provider: "mailgun" });
    expect(captured).toHaveLength(0);
  });

  const failures: [
    string,
    number,
    string | Record<string, unknown>,
    Record<string, string>,
    Partial<MailError>,
  ][] = [
    [
      "an invalid address",
      400,
      { message: "to parameter is not a valid address. please check documentation" },
      {},
      { code: "REJECTED", retryable: false },
    ],
    ["a wrong key (text body)", 401, "Forbidden", {}, { code: "AUTH", retryable: false }],
    [
      "the free-plan recipient restriction",
      403,
      {
        message:
          "Domain mg.example.com is not allowed to send: Free accounts are for test purposes only. Please upgrade or add the address to authorized recipients in Account Settings.",
      },
      {},
      { code: "REJECTED", retryable: false },
    ],
    ["an unknown domain", 404, { message: "Domain not found: mg.example.com" }, {}, { code: "REJECTED" }],
    ["a gateway's text", 502, "Bad gateway", {}, { code: "UNAVAILABLE", retryable: true }],
  ];

  it.each(failures)(
    "maps %s (HTTP %i) to a MailError, in one request",
    async (_, status, body, headers, expected) => {
      let requests = 0;
      server.use(
        http.post(`${US}/v3/${DOMAIN}/messages`, () => {
          requests++;
          return typeof body === "string"
            ? new HttpResponse(body, { status, headers })
            : HttpResponse.json(body, { status, headers });
        }),
      );
      const error = await (await mailer()).send(minimalMessage).catch((e) => e);
      expect(error).toBeInstanceOf(MailError);
      expect(error).toMatchObject({ provider: "mailgun", status, ...expected });
      expect(error.message).toContain(typeof body === "string" ? body : String(body.message));
      expect(findSecret(error, [API_KEY, BASIC])).toBeUndefined();
      expect(requests).toBe(1);
    },
  );

  it("says that a 401 may be a region mismatch", async () => {
    server.use(
      http.post(`${US}/v3/${DOMAIN}/messages`, () => new HttpResponse("Forbidden", { status: 401 })),
    );
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error.message).toContain("Forbidden");
    expect(error.message).toContain("MAILGUN_REGION");
  });

  it("maps a network failure to NETWORK with an unknown outcome, not to a 400", async () => {
    server.use(http.post(`${US}/v3/${DOMAIN}/messages`, () => HttpResponse.error()));
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toMatchObject({
      code: "NETWORK",
      provider: "mailgun",
      outcomeUnknown: true,
      retryable: true,
    });
    expect(error.status).toBeUndefined();
    expect(findSecret(error, [API_KEY, BASIC])).toBeUndefined();
  });

  it("maps an endpoint that is not the API (the SDK's 'Incorrect url') to CONFIG", async () => {
    server.use(http.post(`${US}/v3/${DOMAIN}/messages`, () => new HttpResponse("Mailgun Magnificent API")));
    const error = await (await mailer()).send(minimalMessage).catch((e) => e);
    expect(error).toMatchObject({ code: "CONFIG", provider: "mailgun", retryable: false });
  });

  it("labels a string attachment as UTF-8 text in its part's Content-Type", async () => {
    const raw: string[] = [];
    server.use(
      http.post(`${US}/v3/${DOMAIN}/messages`, async ({ request }) => {
        raw.push(await request.text());
        return HttpResponse.json({ id: MESSAGE_ID, message: "Queued. Thank you." });
      }),
    );
    await (await mailer()).send({
      ...minimalMessage,
      attachments: [
        { filename: "notes.txt", content: "Grüße ✓" },
        {
          filename: "given.txt",
          content: new Uint8Array([0x78]),
          contentType: "text/plain; charset=iso-8859-1",
        },
      ],
    });
    // The part headers exactly as they travel (a form parser would hide the parameter).
    expect(raw[0]).toContain(
      'Content-Disposition: form-data; name="attachment"; filename="notes.txt"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGrüße ✓\r\n',
    );
    expect(raw[0]).toContain(
      'Content-Disposition: form-data; name="attachment"; filename="given.txt"\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nx\r\n',
    );
  });

  const notSent: [string, string, string][] = [
    ["a captive portal's HTML page", "text/html; charset=utf-8", "<html><body>Please log in</body></html>"],
    ["an empty JSON object", "application/json", "{}"],
  ];

  it.each(notSent)("reports a 200 with %s as UNKNOWN, outcome unknown, never sent", async (_, type, body) => {
    server.use(
      http.post(
        `${US}/v3/${DOMAIN}/messages`,
        () => new HttpResponse(body, { status: 200, headers: { "Content-Type": type } }),
      ),
    );
    const sent: unknown[] = [];
    const error = await (await mailer({ hooks: { onSent: (event) => void sent.push(event) } }))
      .send(minimalMessage)
      .catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "UNKNOWN", provider: "mailgun", status: 200, outcomeUnknown: true });
    expect(sent).toEqual([]);
  });

  const TEXT_MARKER = "TEXT-MARKER-93c1";
  const FILE_MARKER = "FILE-MARKER-17ab";
  const echo = `<p>${TEXT_MARKER}</p><pre>${FILE_MARKER}</pre>`;
  const echoes: [string, string, string, string][] = [
    [
      // Past the limit is what counts (the echo both in what is read and beyond it): a 32 MB page did the same
      // work 16 times over and took 6.6 s on a busy 2-core machine.
      "an HTML page twice the 1 MiB answer limit",
      "text/html",
      `<html>${echo}${"x".repeat(2 * MAX_RESPONSE_BYTES)}${echo}</html>`,
      "size limit",
    ],
    ["a short HTML page", "text/html", `<html>${echo}</html>`, "an HTML page"],
    [
      "JSON beside its message",
      "application/json",
      JSON.stringify({ message: "bad request", echo }),
      "bad request",
    ],
  ];

  it.each(echoes)(
    "never carries the message or its files into an error when the vendor echoes them in %s",
    async (_, type, body, expected) => {
      server.use(
        http.post(
          `${US}/v3/${DOMAIN}/messages`,
          () => new HttpResponse(body, { status: 400, headers: { "Content-Type": type } }),
        ),
      );
      const events: unknown[] = [];
      const error = await (await mailer({ hooks: { onError: (event) => void events.push(event) } }))
        .send({
          ...minimalMessage,
          text: TEXT_MARKER,
          attachments: [{ filename: "a.txt", content: FILE_MARKER }],
        })
        .catch((e) => e);
      expect(error).toMatchObject({ code: "REJECTED", provider: "mailgun", status: 400 });
      expect(error.message).toContain(expected);
      expect(findSecret(error, [TEXT_MARKER, FILE_MARKER])).toBeUndefined();
      expect(events).toHaveLength(1);
      expect(findSecret(events, [TEXT_MARKER, FILE_MARKER])).toBeUndefined();
    },
  );

  it("refuses a plain-http endpoint to a non-loopback host as a CONFIG error", async () => {
    const error = await mailer({}, { endpoint: "http://mailgun-proxy.example:8080" }).catch((e) => e);
    expect(error).toMatchObject({ code: "CONFIG", provider: "mailgun" });
    expect(findSecret(error, [API_KEY, BASIC])).toBeUndefined();
  });

  it("verifies key, domain and region with GET /v4/domains/{domain}", async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${EU}/v4/domains/${DOMAIN}`, ({ request }) => {
        seen.push(`${request.method} ${request.url} ${request.headers.get("authorization")}`);
        return HttpResponse.json({
          domain: { name: DOMAIN, state: "active", created_at: "Thu, 01 Jan 2026 00:00:00 GMT" },
          receiving_dns_records: [],
          sending_dns_records: [],
        });
      }),
    );
    await expect((await mailer({}, { region: "eu" })).verify()).resolves.toBeUndefined();
    expect(seen).toEqual([`GET ${EU}/v4/domains/${DOMAIN} ${BASIC}`]);
  });

  it("fails verify with UNKNOWN when a 200 holds no domain (a captive portal)", async () => {
    server.use(
      http.get(
        `${US}/v4/domains/${DOMAIN}`,
        () =>
          new HttpResponse("<html>Log in</html>", { status: 200, headers: { "Content-Type": "text/html" } }),
      ),
    );
    const error = await (await mailer()).verify().catch((e) => e);
    expect(error).toMatchObject({ code: "UNKNOWN", provider: "mailgun", status: 200 });
  });

  it("fails verify with AUTH on a wrong key or region", async () => {
    server.use(http.get(`${US}/v4/domains/${DOMAIN}`, () => new HttpResponse("Forbidden", { status: 401 })));
    const error = await (await mailer()).verify().catch((e) => e);
    expect(error).toMatchObject({ code: "AUTH", provider: "mailgun", status: 401 });
    expect(error.message).toContain("MAILGUN_REGION");
    expect(findSecret(error, [API_KEY, BASIC])).toBeUndefined();
  });
});
