// Contract tests: a real SMTP server (smtp-server) on 127.0.0.1 receives each message over STARTTLS or
// implicit TLS with AUTH, and mailparser reads back what arrived, as a recipient's mail system would.
import {
  type CreateMailerOptions,
  createMailer,
  MailError,
  type Mailer,
  type NormalizedMessage,
} from "@posse/mail-core";
import {
  closedPort,
  createContractMailer,
  createFakeClock,
  findSecret,
  fullMessage,
  memoryProvider,
  minimalMessage,
  PDF_BYTES,
  PNG_BYTES,
} from "@posse/mail-core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type SmtpConfig, smtpProvider } from "../src/index.js";
import {
  PASSWORD,
  startServer,
  TEST_CA,
  type TestServer,
  type TestServerOptions,
  USER,
} from "./fixtures/smtp-server.js";

const WRONG_PASSWORD = "wrong-SECRET-pa55-77aa";
/** Every form a password could leak in: itself, and the AUTH PLAIN / AUTH LOGIN base64 payloads. */
const leaks = (password: string) => [
  password,
  Buffer.from(password).toString("base64"),
  Buffer.from(`\0${USER}\0${password}`).toString("base64"),
];

const servers: TestServer[] = [];
const mailers: Mailer[] = [];

afterEach(async () => {
  await Promise.all(mailers.splice(0).map((mailer) => mailer.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(options: TestServerOptions = {}): Promise<TestServer> {
  const started = await startServer(options);
  servers.push(started);
  return started;
}

/** Config keys to change; one set to `undefined` unsets the default. */
type ConfigPatch = { [K in keyof SmtpConfig]?: SmtpConfig[K] | undefined };

async function mailer(
  port: number,
  config: ConfigPatch = {},
  options: Partial<CreateMailerOptions> = {},
): Promise<Mailer> {
  // A key set to `undefined` unsets the default here (`tls` without the test CA): not an SmtpConfig as typed.
  const merged = {
    host: "127.0.0.1",
    port,
    startTls: true,
    username: USER,
    password: PASSWORD,
    tls: { ca: TEST_CA },
    ...config,
  } as SmtpConfig;
  const created = await createContractMailer(smtpProvider, merged, options);
  mailers.push(created);
  return created;
}

describe("smtp contract", () => {
  it("sends a minimal message over STARTTLS after AUTH", async () => {
    const smtp = await server();
    const receipt = await (await mailer(smtp.port)).send(minimalMessage);
    expect(smtp.connections).toHaveLength(1);
    expect(smtp.auths).toEqual([{ method: "PLAIN", username: USER, secure: true }]);
    expect(smtp.messages).toHaveLength(1);
    const [received] = smtp.messages;
    expect(received!.mailFrom).toBe("possy@posseparty.example");
    expect(received!.rcptTo).toEqual(["ann@example.com"]);
    expect(received!.secure).toBe(true);
    expect(received!.user).toBe(USER);
    const mail = received!.parsed;
    expect(receipt).toEqual({ provider: "smtp", messageId: mail.messageId });
    expect(mail.messageId).toMatch(/^<[^<>@\s]+@posseparty\.example>$/);
    expect(mail.from?.value).toEqual([{ address: "possy@posseparty.example", name: "Possy" }]);
    expect(mail.to).toMatchObject({ value: [{ address: "ann@example.com", name: "" }] });
    expect(mail.subject).toBe("Hello");
    // The body's last line ends in CRLF, as SMTP's DATA requires.
    expect(received!.raw).toMatch(/\r\n\r\nHi Ann\r\n$/);
    expect(mail.text).toBe(`${minimalMessage.text}\n`);
    expect(mail.headers.get("content-type")).toMatchObject({ value: "text/plain" });
    expect(received!.raw).not.toContain("text/html");
    expect(mail.cc).toBeUndefined();
    expect(mail.bcc).toBeUndefined();
    expect(mail.replyTo).toBeUndefined();
    expect(mail.attachments).toEqual([]);
    expect(mail.headers.has("x-idempotency-key")).toBe(false);
    expect(received!.raw).toMatch(/^From: Possy <possy@posseparty\.example>\r$/m);
    expect(received!.raw).toMatch(/^To: ann@example\.com\r$/m);
  });

  it("sends every field of a full message", async () => {
    const smtp = await server();
    const { tags: _tags, metadata: _metadata, ...rest } = fullMessage;
    const receipt = await (await mailer(smtp.port)).send({ ...rest, idempotencyKey: "login-42-1" });
    const [received] = smtp.messages;
    // Bcc goes to the envelope only.
    expect(received!.mailFrom).toBe("possy@posseparty.example");
    expect(received!.rcptTo).toEqual([
      "ann@example.com",
      "bob@example.com",
      "carol@example.com",
      "dave@example.com",
    ]);
    expect(received!.raw).not.toMatch(/^bcc:/im);
    expect(received!.raw).not.toContain("dave@example.com");
    const mail = received!.parsed;
    expect(receipt.messageId).toBe(mail.messageId);
    expect(mail.bcc).toBeUndefined();
    expect(mail.from?.value).toEqual([{ address: "possy@posseparty.example", name: "«Possy» Party" }]);
    expect(mail.to).toMatchObject({
      value: [
        { address: "ann@example.com", name: 'Doe, Ann "Annie"' },
        { address: "bob@example.com", name: "" },
      ],
    });
    expect(mail.cc).toMatchObject({ value: [{ address: "carol@example.com", name: "Carol Ünïcode" }] });
    expect(mail.replyTo?.value).toEqual([{ address: "support@posseparty.example", name: "Support, Team" }]);
    expect(mail.subject).toBe("Sign in to POSSE Party ✓ — ünïcødé");
    expect(mail.text).toBe(fullMessage.text);
    expect(mail.html).toBe(fullMessage.html);
    expect(mail.headers.get("x-entity-ref-id")).toBe("ref-123");
    expect(mail.headers.get("x-idempotency-key")).toBe("login-42-1");
    expect(mail.attachments).toHaveLength(2);
    const pdf = mail.attachments.find((attachment) => attachment.filename === "report.pdf");
    const png = mail.attachments.find((attachment) => attachment.filename === "logo.png");
    expect(pdf).toMatchObject({
      filename: "report.pdf",
      contentType: "application/pdf",
      contentDisposition: "attachment",
    });
    expect(pdf!.cid).toBeUndefined();
    expect(new Uint8Array(pdf!.content)).toEqual(PDF_BYTES);
    expect(png).toMatchObject({
      filename: "logo.png",
      contentType: "image/png",
      contentDisposition: "inline",
      cid: "logo@posse",
    });
    expect(new Uint8Array(png!.content)).toEqual(PNG_BYTES);
  });

  const FORWARDED =
    "From: Bob <bob@example.com>\r\nTo: ann@example.com\r\nSubject: Lunch\r\n" +
    "Message-ID: <lunch-1@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
    "Shall we meet at noon?\r\n.leading dot\r\n";

  it.each([
    ["7bit", FORWARDED, "7bit"],
    ["8bit", FORWARDED.replace("noon?", "noon? Grüße, Zoë"), "8bitmime"],
  ])("attaches a message/rfc822 part as is (%s), apart from the body", async (encoding, eml, bodyType) => {
    const smtp = await server();
    await (await mailer(smtp.port)).send({
      ...minimalMessage,
      cc: "carol@example.com",
      bcc: "dave@example.com",
      attachments: [{ filename: "lunch.eml", content: Buffer.from(eml), contentType: "message/rfc822" }],
    });
    const [received] = smtp.messages;
    expect(received).toMatchObject({
      mailFrom: "possy@posseparty.example",
      rcptTo: ["ann@example.com", "carol@example.com", "dave@example.com"],
      bodyType,
    });
    expect(received!.raw).not.toMatch(/^bcc:/im);
    const mail = received!.parsed;
    expect(mail.text).toBe(minimalMessage.text);
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({
      filename: "lunch.eml",
      contentType: "message/rfc822",
      contentDisposition: "attachment",
    });
    expect(mail.attachments[0]!.content.toString("utf8")).toBe(eml);
    const part = received!.raw.slice(received!.raw.indexOf("Content-Type: message/rfc822"));
    expect(part).toMatch(
      new RegExp(
        `^Content-Type: message/rfc822; name=lunch\\.eml\\r\\nContent-Transfer-Encoding: ${encoding}\\r\\nContent-Disposition: attachment; filename=lunch\\.eml\\r\\n`,
      ),
    );
  });

  it.each([
    "multipart/mixed",
    "multipart/alternative; boundary=x",
    "message/delivery-status",
    "Message/Partial",
  ])("refuses a %s attachment before connecting (SMTP cannot carry it as content)", async (contentType) => {
    const smtp = await server();
    const error = await (await mailer(smtp.port))
      .send({
        ...minimalMessage,
        attachments: [
          { filename: "a.pdf", content: PDF_BYTES, contentType: "application/pdf" },
          { filename: "parts.bin", content: Buffer.from("--x\r\n\r\nhi\r\n--x--\r\n"), contentType },
        ],
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({
      code: "UNSUPPORTED",
      provider: "smtp",
      field: "attachments[1].contentType",
      retryable: false,
    });
    expect(error.message).toContain("application/octet-stream");
    expect(smtp.connections).toEqual([]);
  });

  it.each([
    ["a line longer than 998 octets", `Subject: long\r\n\r\n${"x".repeat(999)}\r\n`],
    ["a NUL byte", "Subject: nul\r\n\r\na\0b\r\n"],
  ])("refuses a message/rfc822 attachment with %s, which it cannot send unencoded", async (_, eml) => {
    const smtp = await server();
    const error = await (await mailer(smtp.port))
      .send({
        ...minimalMessage,
        attachments: [{ filename: "bad.eml", content: Buffer.from(eml), contentType: "message/rfc822" }],
      })
      .catch((e) => e);
    expect(error).toMatchObject({
      code: "INVALID_MESSAGE",
      provider: "smtp",
      field: "attachments[0].content",
    });
    expect(smtp.connections).toEqual([]);
  });

  it("labels a string attachment's MIME part charset=utf-8 and its text arrives intact", async () => {
    const smtp = await server();
    const text = "Grüße aus Köln — 東京 ✓\nzweite Zeile";
    await (await mailer(smtp.port)).send({
      ...minimalMessage,
      attachments: [{ filename: "notes.txt", content: text }],
    });
    const [received] = smtp.messages;
    const [attachment] = received!.parsed.attachments;
    expect(attachment).toMatchObject({ filename: "notes.txt", contentType: "text/plain" });
    expect(attachment!.headers.get("content-type")).toMatchObject({
      value: "text/plain",
      params: { charset: "utf-8" },
    });
    expect(attachment!.content.toString("utf8")).toBe(text);
    expect(received!.raw).toMatch(/^Content-Type: text\/plain; charset=utf-8; name=notes\.txt\r$/m);
  });

  it.each([
    ["tags", { tags: ["login"] }],
    ["metadata", { metadata: { user_id: "42" } }],
  ])("refuses %s before connecting", async (field, extra) => {
    const smtp = await server();
    const error = await (await mailer(smtp.port)).send({ ...minimalMessage, ...extra }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "UNSUPPORTED", field, provider: "smtp" });
    expect(smtp.connections).toEqual([]);
  });

  it("refuses to log in when the server does not offer the required STARTTLS", async () => {
    const smtp = await server({ startTls: false });
    const error = await (await mailer(smtp.port)).send(minimalMessage).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "smtp", retryable: false });
    expect(error.message).toContain("does not offer STARTTLS");
    expect(smtp.connections).toHaveLength(1);
    expect(smtp.auths).toEqual([]);
    expect(smtp.messages).toEqual([]);
    expect(findSecret(error, leaks(PASSWORD))).toBeUndefined();
  });

  it("verifies the server certificate, even when config asks it not to", async () => {
    const smtp = await server();
    for (const tls of [undefined, { rejectUnauthorized: false }]) {
      const error = await (await mailer(smtp.port, { tls })).send(minimalMessage).catch((e) => e);
      expect(error).toMatchObject({ code: "CONFIG", provider: "smtp", retryable: false });
      expect(error.message).toMatch(/TLS handshake failed.*unable to verify the first certificate/);
    }
    expect(smtp.auths).toEqual([]);
    expect(smtp.messages).toEqual([]);
  });

  const tlsFailures: [string, TestServerOptions, ConfigPatch, RegExp][] = [
    [
      "an untrusted certificate over STARTTLS",
      {},
      { tls: undefined },
      /unable to verify the first certificate/,
    ],
    [
      "an untrusted certificate over implicit TLS",
      { secure: true },
      { secure: true, tls: undefined },
      /unable to verify/,
    ],
    [
      "a certificate for another name",
      {},
      { tls: { ca: TEST_CA, servername: "smtp.example.com" } },
      /ERR_TLS_CERT_ALTNAME_INVALID|does not match/,
    ],
    ["implicit TLS against a plain port", { startTls: false }, { secure: true }, /TLS handshake failed/],
  ];

  it.each(tlsFailures)(
    "maps %s to CONFIG, certainly not sent (failover moves on without an idempotency key)",
    async (_, options, config, detail) => {
      const smtp = await server(options);
      const outbox: NormalizedMessage[] = [];
      const chain = await createMailer({
        from: "possy@posseparty.example",
        providers: [
          {
            definition: smtpProvider,
            config: {
              host: "127.0.0.1",
              port: smtp.port,
              startTls: true,
              username: USER,
              password: PASSWORD,
              tls: { ca: TEST_CA },
              ...config,
            } as SmtpConfig,
          },
          { definition: memoryProvider(), config: { outbox } },
        ],
        retry: { attempts: 1 },
      });
      mailers.push(chain);
      const alone = await mailer(smtp.port, config);
      const error = await alone.send(minimalMessage).catch((e) => e);
      expect(error).toBeInstanceOf(MailError);
      expect(error).toMatchObject({
        code: "CONFIG",
        provider: "smtp",
        retryable: false,
        outcomeUnknown: false,
      });
      expect(error.message).toMatch(/TLS handshake failed/);
      expect(error.message).toMatch(detail);
      expect(findSecret(error, leaks(PASSWORD))).toBeUndefined();
      await expect(chain.send(minimalMessage)).resolves.toMatchObject({ provider: "memory" });
      expect(outbox).toHaveLength(1);
      expect(smtp.auths).toEqual([]);
      expect(smtp.messages).toEqual([]);
    },
  );

  it("sends over implicit TLS (secure)", async () => {
    const smtp = await server({ secure: true });
    await (await mailer(smtp.port, { secure: true })).send(minimalMessage);
    expect(smtp.auths).toEqual([{ method: "PLAIN", username: USER, secure: true }]);
    expect(smtp.messages.map((message) => [message.secure, message.rcptTo])).toEqual([
      [true, ["ann@example.com"]],
    ]);
  });

  it("sends in plain text to a relay without STARTTLS when STARTTLS is switched off", async () => {
    const smtp = await server({ startTls: false });
    await (await mailer(smtp.port, { startTls: false })).send(minimalMessage);
    expect(smtp.messages.map((message) => [message.secure, message.user])).toEqual([[false, USER]]);
  });

  it("maps bad credentials to AUTH without the password anywhere", async () => {
    const smtp = await server();
    const error = await (await mailer(smtp.port, { password: WRONG_PASSWORD }))
      .send(minimalMessage)
      .catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "AUTH", provider: "smtp", status: 535, retryable: false });
    expect(error.message).toContain("5.7.8 Authentication credentials invalid");
    expect(smtp.auths).toEqual([{ method: "PLAIN", username: USER, secure: true }]);
    expect(smtp.messages).toEqual([]);
    expect(findSecret(error, leaks(WRONG_PASSWORD))).toBeUndefined();
  });

  it("masks the password even when the server repeats it in its reply", async () => {
    const smtp = await server({ echoPassword: true });
    const error = await (await mailer(smtp.port, { password: WRONG_PASSWORD }))
      .send(minimalMessage)
      .catch((e) => e);
    expect(error).toMatchObject({ code: "AUTH", status: 535 });
    expect(error.message).toContain("(password [redacted])");
    expect(findSecret(error, leaks(WRONG_PASSWORD))).toBeUndefined();
  });

  const replies: [string, TestServerOptions, Partial<MailError>][] = [
    [
      "550 on RCPT",
      { rcpt: () => ({ code: 550, message: "5.1.1 Mailbox unknown" }) },
      { code: "REJECTED", status: 550, retryable: false },
    ],
    [
      "553 on MAIL FROM",
      { mailFrom: { code: 553, message: "5.7.1 Sender address rejected" } },
      { code: "REJECTED", status: 553, retryable: false },
    ],
    [
      "421 on MAIL FROM",
      { mailFrom: { code: 421, message: "4.3.2 Service shutting down" } },
      { code: "UNAVAILABLE", status: 421, retryable: true },
    ],
    [
      "451 on RCPT",
      { rcpt: () => ({ code: 451, message: "4.3.0 Local error in processing" }) },
      { code: "UNAVAILABLE", status: 451, retryable: true },
    ],
    [
      "452 on RCPT",
      { rcpt: () => ({ code: 452, message: "4.3.1 Insufficient system storage" }) },
      { code: "UNAVAILABLE", status: 452, retryable: true },
    ],
    [
      "450 rate limit on RCPT",
      { rcpt: () => ({ code: 450, message: "4.7.1 Rate limit exceeded, slow down" }) },
      { code: "RATE_LIMITED", status: 450, retryable: true },
    ],
  ];

  it.each(replies)(
    "maps %s to a MailError, with one connection per attempt",
    async (_, options, expected) => {
      const smtp = await server(options);
      const error = await (await mailer(smtp.port)).send(minimalMessage).catch((e) => e);
      expect(error).toBeInstanceOf(MailError);
      expect(error).toMatchObject({ provider: "smtp", ...expected });
      expect(error.message).toContain((options.mailFrom ?? options.rcpt?.("ann@example.com"))!.message);
      expect(smtp.connections).toHaveLength(1);
      expect(smtp.messages).toEqual([]);
      expect(findSecret(error, leaks(PASSWORD))).toBeUndefined();
    },
  );

  it("retries a 421 through the core only: one connection per attempt", async () => {
    const smtp = await server({ mailFrom: { code: 421, message: "4.3.2 Try again later" } });
    const send = (await mailer(smtp.port, {}, { retry: { attempts: 2 }, random: () => 0 })).send(
      minimalMessage,
    );
    await expect(send).rejects.toMatchObject({ code: "UNAVAILABLE", status: 421 });
    expect(smtp.connections).toHaveLength(2);
  });

  it("rejects a message the server refused for some recipients", async () => {
    const smtp = await server({
      rcpt: (address) =>
        address === "bob@example.com" ? { code: 550, message: "5.1.1 Mailbox unknown" } : undefined,
    });
    const error = await (await mailer(smtp.port))
      .send({ ...minimalMessage, to: ["ann@example.com", "bob@example.com"] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "REJECTED", status: 550, retryable: false, outcomeUnknown: true });
    expect(error.message).toContain("refused 1 of 2 recipients");
    expect(error.message).toContain("5.1.1 Mailbox unknown");
    expect(smtp.messages.map((message) => message.rcptTo)).toEqual([["ann@example.com"]]);
  });

  it("maps a refused connection to NETWORK (certainly not sent)", async () => {
    const port = await closedPort();
    const error = await (await mailer(port)).send(minimalMessage).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({
      code: "NETWORK",
      provider: "smtp",
      retryable: true,
      outcomeUnknown: false,
    });
    expect(error.message).toContain("ECONNREFUSED");
    expect(findSecret(error, leaks(PASSWORD))).toBeUndefined();
  });

  it("times out on the injected clock with an unknown outcome, closing the connection", async () => {
    const smtp = await server({ holdData: true });
    const clock = createFakeClock();
    const send = (await mailer(smtp.port, {}, { clock, timeoutMs: 5_000 })).send(minimalMessage);
    const outcome = send.catch((e) => e);
    await smtp.dataStarted;
    await clock.advance(5_000);
    const error = await outcome;
    expect(error).toMatchObject({ code: "TIMEOUT", provider: "smtp", outcomeUnknown: true, retryable: true });
    expect(clock.sleeps).toEqual([5_000]);
    await smtp.connectionClosed;
    expect(smtp.messages).toEqual([]);
  });

  it("returns the id a Message-ID-replacing server names in its reply", async () => {
    const smtp = await server({
      dataReply:
        "2.0.0 OK <PH0PR11MB4855E2B1C0A1D2E3F4A5B6C7D8E9F0A1B2@PH0PR11MB4855.namprd11.prod.outlook.com>",
    });
    const receipt = await (await mailer(smtp.port)).send(minimalMessage);
    expect(receipt.messageId).toBe(
      "<PH0PR11MB4855E2B1C0A1D2E3F4A5B6C7D8E9F0A1B2@PH0PR11MB4855.namprd11.prod.outlook.com>",
    );
  });

  it("verifies by connecting, upgrading to TLS and logging in", async () => {
    const smtp = await server();
    await expect((await mailer(smtp.port)).verify()).resolves.toBeUndefined();
    expect(smtp.auths).toEqual([{ method: "PLAIN", username: USER, secure: true }]);
    expect(smtp.messages).toEqual([]);
    const error = await (await mailer(smtp.port, { password: WRONG_PASSWORD })).verify().catch((e) => e);
    expect(error).toMatchObject({ code: "AUTH", provider: "smtp", status: 535 });
    expect(findSecret(error, leaks(WRONG_PASSWORD))).toBeUndefined();
  });

  it("reuses one connection for messages sent one after another", async () => {
    const smtp = await server();
    const pooled = await mailer(smtp.port);
    await pooled.send(minimalMessage);
    await pooled.send({ ...minimalMessage, subject: "Again" });
    expect(smtp.connections).toHaveLength(1);
    expect(smtp.auths).toHaveLength(1);
    expect(smtp.messages.map((message) => message.parsed.subject)).toEqual(["Hello", "Again"]);
    await pooled.close();
    await smtp.connectionClosed;
  });
});
