// MAIL_PROVIDER=smtp (or a blank MAIL_PROVIDER with SMTP_HOST + SMTP_USERNAME + SMTP_PASSWORD) sends over SMTP.
import {
  createMailer,
  createMailerFromEnv,
  MailError,
  type Mailer,
  resolveMailProvider,
  useProvider,
} from "@posse/mail-core";
import { readProviderEnv } from "@posse/mail-core/provider";
import { findSecret } from "@posse/mail-core/testing";
import { afterEach, describe, expect, it } from "vitest";
import "../src/index.js";
import { configFromEnv } from "../src/config.js";
import { smtpProvider } from "../src/provider.js";
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
  expect(error).toMatchObject({ code: "CONFIG", provider: "smtp" });
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
    const [set, partner] =
      "SMTP_USERNAME" in half ? ["SMTP_USERNAME", "SMTP_PASSWORD"] : ["SMTP_PASSWORD", "SMTP_USERNAME"];
    expect(error.message).toBe(`MAIL_PROVIDER=smtp: ${set} needs ${partner} to be set with it`);
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

  it.each(["0", "1000", "five"])("refuses SMTP_MAX_CONNECTIONS=%s", async (count) => {
    const error = await configError({ SMTP_HOST: "smtp.example.com", SMTP_MAX_CONNECTIONS: count });
    expect(error.message).toBe(
      "MAIL_PROVIDER=smtp: SMTP_MAX_CONNECTIONS must be a whole number from 1 to 999",
    );
  });

  it("reads defaults and flags as the core hands them over", () => {
    const read = (env: Record<string, string>) => configFromEnv(readProviderEnv(smtpProvider, env));
    expect(read({ SMTP_HOST: "smtp.example.com" })).toEqual({
      host: "smtp.example.com",
      port: 587,
      startTls: true,
      maxConnections: 5,
    });
    for (const [flag, startTls] of [
      ["TRUE", true],
      ["1", true],
      ["yes", true],
      ["False", false],
      ["0", false],
      ["no", false],
    ] as const) {
      expect(read({ SMTP_HOST: "h.example", SMTP_ENABLE_STARTTLS: flag }).startTls).toBe(startTls);
    }
    expect(
      read({
        SMTP_HOST: "h.example",
        SMTP_PORT: "465",
        SMTP_USERNAME: "u",
        SMTP_PASSWORD: "p",
        SMTP_MAX_CONNECTIONS: "2",
      }),
    ).toEqual({
      host: "h.example",
      port: 465,
      startTls: true,
      username: "u",
      password: "p",
      maxConnections: 2,
    });
  });
});

describe("smtp from the environment: what resolveMailProvider sees is what createMailerFromEnv refuses", () => {
  it("refuses AUTH in clear text to another machine in both, naming SMTP_ENABLE_STARTTLS", async () => {
    const env = {
      ...from,
      MAIL_PROVIDER: "smtp",
      SMTP_HOST: "smtp.example.com",
      SMTP_USERNAME: USER,
      SMTP_PASSWORD: PASSWORD,
      SMTP_ENABLE_STARTTLS: "false",
    };
    const problem =
      "SMTP_ENABLE_STARTTLS=false with SMTP_USERNAME would send the password in clear text to another machine: enable STARTTLS, use SMTP_PORT=465, or set SMTP_ALLOW_PLAINTEXT_AUTH=true on a trusted network";
    expect(resolveMailProvider(env)).toMatchObject({
      configured: false,
      problems: [{ provider: "smtp", variable: "SMTP_ENABLE_STARTTLS", problem }],
    });
    const error = await createMailerFromEnv({ env }).catch((e) => e);
    expect(error).toMatchObject({
      code: "CONFIG",
      provider: "smtp",
      message: `MAIL_PROVIDER=smtp: ${problem}`,
    });
    expect(findSecret(error, [USER, PASSWORD])).toBeUndefined();
    for (const allowed of [
      { SMTP_ALLOW_PLAINTEXT_AUTH: "yes" },
      { SMTP_HOST: "127.0.0.1" },
      { SMTP_PORT: "465" },
      { SMTP_ENABLE_STARTTLS: "true" },
    ]) {
      expect(resolveMailProvider({ ...env, ...allowed })).toMatchObject({ configured: true });
    }
  });
});

describe("smtp AUTH in clear text: the core's check and the provider's agree on which hosts are this machine", () => {
  const env = {
    ...from,
    MAIL_PROVIDER: "smtp",
    SMTP_USERNAME: USER,
    SMTP_PASSWORD: PASSWORD,
    SMTP_ENABLE_STARTTLS: "false",
  };
  const codeConfig = (host: string) => ({
    host,
    port: 587,
    startTls: false,
    username: USER,
    password: PASSWORD,
  });

  it.each(["::ffff:127.0.0.1", "0:0:0:0:0:0:0:1", "127.8.9.10"])(
    "%s needs no opt-in in either",
    async (host) => {
      expect(resolveMailProvider({ ...env, SMTP_HOST: host })).toMatchObject({
        configured: true,
        problems: [],
      });
      const setup = useProvider(smtpProvider, codeConfig(host));
      mailers.push(await createMailer({ from: from.MAIL_FROM_ADDRESS, providers: setup }));
    },
  );

  it("a name under localhost needs the opt-in in both (DNS may answer it)", async () => {
    expect(resolveMailProvider({ ...env, SMTP_HOST: "api.localhost" })).toMatchObject({ configured: false });
    const error = await createMailer({
      from: from.MAIL_FROM_ADDRESS,
      providers: useProvider(smtpProvider, codeConfig("api.localhost")),
    }).catch((e) => e);
    expect(error).toMatchObject({ code: "CONFIG", provider: "smtp" });
    expect(error.message).toContain("allowPlaintextAuth: true");
  });
});

describe("smtp config mistakes fail at creation, naming the property", () => {
  it.each([
    ["a config without a host", { port: 587, startTls: true }, "host", "smtp config: host is required"],
    [
      "a misspelt property",
      { host: "h.example", port: 587, startTls: true, hots: "x" },
      "hots",
      'smtp config: "hots" is not a config property (known: host, port, username, password, startTls, secure, maxConnections, allowPlaintextAuth, tls, name)',
    ],
    [
      "a port out of range",
      { host: "h.example", port: 99999, startTls: true },
      "port",
      "smtp config: port must be a port number from 1 to 65535",
    ],
    [
      "maxConnections: 0",
      { host: "h.example", port: 587, startTls: true, maxConnections: 0 },
      "maxConnections",
      "smtp config: maxConnections must be a positive whole number",
    ],
  ])("%s is a CONFIG error", async (_, config, field, message) => {
    const error = await createMailer({
      from: "app@example.com",
      providers: { definition: smtpProvider, config: config as never },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "smtp", field, message });
  });
});
