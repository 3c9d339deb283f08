// MAIL_PROVIDER=smtp (or a blank MAIL_PROVIDER with SMTP_HOST + SMTP_USERNAME + SMTP_PASSWORD) sends over SMTP.
import { createMailerFromEnv, MailError, type Mailer } from "@posse/mail-core";
import { findSecret } from "@posse/mail-core/testing";
import { afterEach, describe, expect, it } from "vitest";
import "../src/index.js";
import { configFromEnv } from "../src/config.js";
import { PASSWORD, startServer, TEST_CA, type TestServer, USER } from "./fixtures/smtp-server.js";

const servers: TestServer[] = [];
const mailers: Mailer[] = [];
afterEach(async () => {
  await Promise.all(mailers.splice(0).map((mailer) => mailer.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const from = { MAIL_FROM_ADDRESS: "App <app@example.com>" };
// The test CA is trusted through code-only config; everything else comes from the environment.
const config = { smtp: { tls: { ca: TEST_CA } } };

async function configError(env: Record<string, string>): Promise<MailError> {
  const error = await createMailerFromEnv({ env: { ...from, MAIL_PROVIDER: "smtp", ...env } }).catch(
    (e) => e,
  );
  expect(error).toBeInstanceOf(MailError);
  expect(error).toMatchObject({ code: "CONFIG" });
  return error;
}

describe("smtp from the environment", () => {
  it.each([
    ["explicit", { MAIL_PROVIDER: " SMTP " }],
    ["detected", { MAIL_PROVIDER: "" }],
  ])("sends when %s", async (_, extra) => {
    const smtp = await startServer();
    servers.push(smtp);
    const env = {
      ...from,
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(smtp.port),
      SMTP_USERNAME: USER,
      SMTP_PASSWORD: PASSWORD,
      ...extra,
    };
    const mailer = await createMailerFromEnv({ env, config });
    mailers.push(mailer);
    expect(mailer.provider).toBe("smtp");
    const receipt = await mailer.send({ to: "a@example.com", subject: "s", text: "t" });
    expect(receipt).toEqual({ provider: "smtp", messageId: smtp.messages[0]!.parsed.messageId });
    expect(smtp.auths).toEqual([{ method: "PLAIN", username: USER, secure: true }]);
    expect(smtp.messages.map((message) => [message.mailFrom, message.rcptTo, message.secure])).toEqual([
      ["app@example.com", ["a@example.com"], true],
    ]);
  });

  it("names the missing host", async () => {
    const error = await configError({ SMTP_HOST: " " });
    expect(error.message).toContain("SMTP_HOST");
  });

  it.each([
    ["user name", { SMTP_USERNAME: USER }],
    ["password", { SMTP_PASSWORD: PASSWORD }],
  ])("needs the %s's partner, naming both without any value", async (_, half) => {
    const error = await configError({ SMTP_HOST: "smtp.example.com", ...half });
    expect(error.message).toContain("SMTP_USERNAME and SMTP_PASSWORD");
    expect(findSecret(error, [USER, PASSWORD])).toBeUndefined();
  });

  it.each(["0", "65536", "25a", "-1", "5.5"])("refuses SMTP_PORT=%s", async (port) => {
    const error = await configError({ SMTP_HOST: "smtp.example.com", SMTP_PORT: port });
    expect(error.message).toContain("SMTP_PORT");
  });

  it("refuses an SMTP_ENABLE_STARTTLS that is not a yes or a no", async () => {
    const error = await configError({ SMTP_HOST: "smtp.example.com", SMTP_ENABLE_STARTTLS: "maybe" });
    expect(error.message).toContain("SMTP_ENABLE_STARTTLS");
  });

  it("reads defaults and flags", () => {
    expect(configFromEnv({ SMTP_HOST: "smtp.example.com" })).toEqual({
      host: "smtp.example.com",
      port: 587,
      startTls: true,
    });
    for (const [flag, startTls] of [
      ["TRUE", true],
      ["1", true],
      ["yes", true],
      ["False", false],
      ["0", false],
      ["no", false],
    ] as const) {
      expect(configFromEnv({ SMTP_HOST: "h.example", SMTP_ENABLE_STARTTLS: flag }).startTls).toBe(startTls);
    }
    expect(
      configFromEnv({ SMTP_HOST: "h.example", SMTP_PORT: "465", SMTP_USERNAME: "u", SMTP_PASSWORD: "p" }),
    ).toEqual({ host: "h.example", port: 465, startTls: true, username: "u", password: "p" });
  });
});
