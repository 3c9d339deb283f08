// Connections: a bounded pool by default (200 concurrent sends never open 200 connections), and close()
// that resolves only once every connection is closed and leaves later sends with a clear, certain error.
// The server speaks plain SMTP on 127.0.0.1 here (no AUTH), so its count of open connections sees each
// client FIN at once.
import { createMailer, createMailerFromEnv, MailError, type Mailer } from "@posse/mail-core";
import type { MailTransport } from "@posse/mail-core/provider";
import { CONTRACT_FROM, createContractMailer, minimalMessage } from "@posse/mail-core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type SmtpConfig, smtpProvider } from "../src/index.js";
import { DEFAULT_MAX_CONNECTIONS } from "../src/transport.js";
import { startServer, type TestServer } from "./fixtures/smtp-server.js";

const servers: TestServer[] = [];
const mailers: Mailer[] = [];
const transports: MailTransport[] = [];

afterEach(async () => {
  await Promise.all(mailers.splice(0).map((mailer) => mailer.close()));
  await Promise.all(transports.splice(0).map((transport) => transport.close?.()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function plainServer(): Promise<TestServer> {
  const server = await startServer({ startTls: false, authOptional: true });
  servers.push(server);
  return server;
}

const plain = (port: number, extra: Partial<SmtpConfig> = {}): SmtpConfig => ({
  host: "127.0.0.1",
  port,
  startTls: false,
  ...extra,
});

async function mailer(config: SmtpConfig): Promise<Mailer> {
  const created = await createContractMailer(smtpProvider, config);
  mailers.push(created);
  return created;
}

async function transport(config: SmtpConfig): Promise<MailTransport> {
  const created = await smtpProvider.create(config, { timeoutMs: 10_000, now: Date.now });
  transports.push(created);
  return created;
}

const sendSome = (target: Mailer, count: number) =>
  Promise.all(
    Array.from({ length: count }, (_, index) =>
      target.send({ ...minimalMessage, subject: `Message ${index}` }),
    ),
  );

const subjects = (server: TestServer) =>
  server.messages.map((message) => message.parsed.subject).sort((a, b) => a!.localeCompare(b!));

const expected = (count: number) =>
  Array.from({ length: count }, (_, index) => `Message ${index}`).sort((a, b) => a.localeCompare(b));

describe("smtp connections", () => {
  it(`sends 200 concurrent messages over at most ${DEFAULT_MAX_CONNECTIONS} connections by default`, async () => {
    const server = await plainServer();
    const receipts = await sendSome(await mailer(plain(server.port)), 200);
    expect(new Set(receipts.map((receipt) => receipt.messageId)).size).toBe(200);
    expect(subjects(server)).toEqual(expected(200));
    expect(server.maxOpenConnections()).toBeGreaterThan(1);
    expect(server.maxOpenConnections()).toBeLessThanOrEqual(DEFAULT_MAX_CONNECTIONS);
    expect(server.connections.length).toBe(server.maxOpenConnections());
  });

  it("keeps to the configured maxConnections", async () => {
    const server = await plainServer();
    await sendSome(await mailer(plain(server.port, { maxConnections: 2 })), 40);
    expect(subjects(server)).toEqual(expected(40));
    expect(server.maxOpenConnections()).toBe(2);
  });

  it("takes the limit from SMTP_MAX_CONNECTIONS", async () => {
    const server = await plainServer();
    const env = {
      MAIL_PROVIDER: "smtp",
      MAIL_FROM_ADDRESS: CONTRACT_FROM,
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(server.port),
      SMTP_ENABLE_STARTTLS: "false",
      SMTP_MAX_CONNECTIONS: "3",
    };
    const fromEnv = await createMailerFromEnv({ env });
    mailers.push(fromEnv);
    await sendSome(fromEnv, 30);
    expect(subjects(server)).toEqual(expected(30));
    expect(server.maxOpenConnections()).toBe(3);
  });

  it.each(["0", "-1", "2.5", "many", "1000"])("refuses SMTP_MAX_CONNECTIONS=%s, naming it", async (value) => {
    const env = {
      MAIL_PROVIDER: "smtp",
      MAIL_FROM_ADDRESS: CONTRACT_FROM,
      SMTP_HOST: "smtp.example.com",
      SMTP_MAX_CONNECTIONS: value,
    };
    const error = await createMailerFromEnv({ env }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "smtp" });
    expect(error.message).toContain("SMTP_MAX_CONNECTIONS must be a whole number from 1 to 999");
  });

  it("retries, within the attempt budget, a message whose reused connection the server dropped before it was sent", async () => {
    const server = await startServer({
      startTls: false,
      authOptional: true,
      dropOnMailFrom: (count) => count === 2,
    });
    servers.push(server);
    const pooled = await createContractMailer(smtpProvider, plain(server.port), {
      retry: { attempts: 2 },
      random: () => 0,
    });
    mailers.push(pooled);
    await pooled.send({ ...minimalMessage, subject: "First" });
    await expect(pooled.send({ ...minimalMessage, subject: "Second" })).resolves.toMatchObject({
      provider: "smtp",
    });
    expect(server.messages.map((message) => message.parsed.subject)).toEqual(["First", "Second"]);
    expect(server.connections).toHaveLength(2);
  });

  it("reports that drop as NETWORK, certainly not sent, when no attempt is left", async () => {
    const server = await startServer({
      startTls: false,
      authOptional: true,
      dropOnMailFrom: (count) => count === 2,
    });
    servers.push(server);
    const pooled = await mailer(plain(server.port));
    await pooled.send(minimalMessage);
    const error = await pooled.send(minimalMessage).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({
      code: "NETWORK",
      provider: "smtp",
      retryable: true,
      outcomeUnknown: false,
    });
    expect(error.message).toContain("before the message was sent");
    expect(server.messages).toHaveLength(1);
  });

  it("close() resolves only when the server has seen every connection close", async () => {
    const server = await plainServer();
    const pooled = await mailer(plain(server.port));
    await sendSome(pooled, 12);
    expect(server.openConnections()).toBeGreaterThan(1);
    await pooled.close();
    expect(server.openConnections()).toBe(0);
    expect(server.messages).toHaveLength(12);
  });

  it("close() is idempotent: a second call waits for the same closing", async () => {
    const server = await plainServer();
    const pooled = await transport(plain(server.port));
    await pooled.send(normalized(), {
      signal: new AbortController().signal,
      attempt: 1,
      requestStarting: async () => {},
    });
    const first = pooled.close!();
    const second = pooled.close!();
    await Promise.all([first, second]);
    expect(server.openConnections()).toBe(0);
    await expect(pooled.close!()).resolves.toBeUndefined();
  });

  it("lets a send already under way finish before closing, then refuses sends: nothing sent, not retryable", async () => {
    const server = await plainServer();
    const pooled = await transport(plain(server.port));
    const message = normalized();
    const context = { signal: new AbortController().signal, attempt: 1, requestStarting: async () => {} };
    const inFlight = pooled.send(message, context);
    const closed = pooled.close!();
    await expect(inFlight).resolves.toMatchObject({ messageId: expect.stringMatching(/^<.+>$/) });
    await closed;
    expect(server.openConnections()).toBe(0);
    const error = await pooled.send(message, context).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({
      code: "ABORTED",
      provider: "smtp",
      retryable: false,
      outcomeUnknown: false,
    });
    expect(error.message).toContain("nothing was sent");
    await expect(pooled.verify(context)).rejects.toMatchObject({ code: "ABORTED", outcomeUnknown: false });
    expect(server.messages).toHaveLength(1);
    expect(server.connections).toHaveLength(1);
  });

  it("a mailer over SMTP refuses to send after close, without an unknown outcome", async () => {
    const server = await plainServer();
    const pooled = await createMailer({
      from: CONTRACT_FROM,
      providers: { definition: smtpProvider, config: plain(server.port) },
    });
    await pooled.send(minimalMessage);
    await pooled.close();
    const error = await pooled.send(minimalMessage).catch((e) => e);
    expect(error).toMatchObject({ retryable: false, outcomeUnknown: false });
    expect(server.messages).toHaveLength(1);
  });
});

/** The normalized form of the minimal message, for calling a transport directly. */
function normalized() {
  return {
    from: { address: "possy@posseparty.example" },
    to: [{ address: "ann@example.com" }],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: "Hello",
    text: "Hi Ann",
    headers: {},
    attachments: [],
    tags: [],
    metadata: {},
  } as unknown as Parameters<MailTransport["send"]>[0];
}
