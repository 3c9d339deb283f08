// SMTP_ENABLE_STARTTLS=false must not send the password in clear text to another machine unless the
// operator says so with SMTP_ALLOW_PLAINTEXT_AUTH=true; loopback relays (the demo inbox) keep working.
import { createMailerFromEnv, MailError, type Mailer } from "@posse/mail-core";
import { isLoopbackAddress } from "@posse/mail-core/provider";
import { createContractMailer, findSecret, minimalMessage } from "@posse/mail-core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type SmtpConfig, smtpProvider } from "../src/index.js";
import { PASSWORD, startServer, type TestServer, USER } from "./fixtures/smtp-server.js";

const servers: TestServer[] = [];
const mailers: Mailer[] = [];
afterEach(async () => {
  await Promise.all(mailers.splice(0).map((mailer) => mailer.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const remotePlain = {
  MAIL_PROVIDER: "smtp",
  MAIL_FROM_ADDRESS: "App <app@example.com>",
  SMTP_HOST: "smtp.example.com",
  SMTP_USERNAME: USER,
  SMTP_PASSWORD: PASSWORD,
  SMTP_ENABLE_STARTTLS: "false",
};

async function created(make: Promise<Mailer>): Promise<Mailer> {
  const mailer = await make;
  mailers.push(mailer);
  return mailer;
}

const config = (extra: Partial<SmtpConfig>): SmtpConfig => ({
  host: "smtp.example.com",
  port: 587,
  startTls: false,
  username: USER,
  password: PASSWORD,
  ...extra,
});

describe("AUTH over a plain connection", () => {
  it("is refused at creation for a remote host, naming the variables and no secret", async () => {
    const error = await createMailerFromEnv({ env: remotePlain }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "smtp", retryable: false });
    expect(error.message).toContain("SMTP_ENABLE_STARTTLS=false");
    expect(error.message).toContain("SMTP_ALLOW_PLAINTEXT_AUTH=true");
    expect(error.message).toContain("clear text");
    expect(findSecret(error, [USER, PASSWORD, "smtp.example.com"])).toBeUndefined();
  });

  it.each(["10.1.2.3", "192.168.0.10", "::2", "mail.internal", "localhost.example.com", "128.0.0.1"])(
    "is refused in code config for %s",
    async (host) => {
      const error = await createContractMailer(smtpProvider, config({ host })).catch((e) => e);
      expect(error).toMatchObject({ code: "CONFIG", provider: "smtp" });
      expect(error.message).toContain("allowPlaintextAuth: true");
    },
  );

  it("is allowed when the operator opts in with SMTP_ALLOW_PLAINTEXT_AUTH=true", async () => {
    const mailer = await created(
      createMailerFromEnv({ env: { ...remotePlain, SMTP_ALLOW_PLAINTEXT_AUTH: "true" } }),
    );
    expect(mailer.provider).toBe("smtp");
    await created(createContractMailer(smtpProvider, config({ allowPlaintextAuth: true })));
  });

  it("needs no opt-in without credentials, with STARTTLS or with implicit TLS", async () => {
    const { username: _u, password: _p, ...relay } = config({});
    await created(createContractMailer(smtpProvider, relay as SmtpConfig));
    await created(createContractMailer(smtpProvider, config({ startTls: true })));
    await created(createContractMailer(smtpProvider, config({ port: 465 })));
    await created(createContractMailer(smtpProvider, config({ secure: true })));
  });

  it.each([
    "127.0.0.1",
    "127.8.9.10",
    "::1",
    "[::1]",
    "0:0:0:0:0:0:0:1",
    "::ffff:127.0.0.1",
    "localhost",
    "LocalHost",
  ])("needs no opt-in for the loopback host %s", async (host) => {
    expect(isLoopbackAddress(host)).toBe(true);
    await created(createContractMailer(smtpProvider, config({ host })));
  });

  it("logs in over plain SMTP to a loopback relay, as the demo inbox does", async () => {
    const server = await startServer({ startTls: false });
    servers.push(server);
    const env = { ...remotePlain, SMTP_HOST: "127.0.0.1", SMTP_PORT: String(server.port) };
    await (await created(createMailerFromEnv({ env }))).send(minimalMessage);
    expect(server.auths).toEqual([{ method: "PLAIN", username: USER, secure: false }]);
    expect(server.messages).toHaveLength(1);
  });

  it("stays plain when STARTTLS is switched off although the server offers it (no opportunistic TLS)", async () => {
    const server = await startServer({ authOptional: true });
    servers.push(server);
    const mailer = await created(
      createContractMailer(smtpProvider, { host: "127.0.0.1", port: server.port, startTls: false }),
    );
    await mailer.send(minimalMessage);
    expect(server.messages.map((message) => message.secure)).toEqual([false]);
  });
});
