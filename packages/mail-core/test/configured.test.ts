// `configured: true` from resolveMailProvider means createMailerFromEnv will not fail on configuration;
// detection picks a provider that can be loaded; every problem is data that names, never shows, a value.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type ConfigProblem,
  createMailerFromEnv,
  type EnvSource,
  isMailError,
  MailError,
  resolveMailProvider,
} from "../src/index.js";
import { parseProviderList, registerProvider } from "../src/provider.js";
import { findSecret } from "../src/testing/index.js";
import { clearRegistry, created, fakeBuiltin, fakeDefinition } from "./support/provider-fakes.js";

const FROM = "App <app@example.com>";
const NOT_INSTALLED = (name: string) => `${name} is not installed: run \`npm install ${name}\``;
const ALL = ["amazon_ses", "resend", "mailgun", "postmark", "sendgrid", "brevo", "mailjet", "smtp"];

// No provider package is installed here: only registration makes a provider loadable.
let empty: string;
beforeAll(async () => {
  empty = await mkdtemp(join(tmpdir(), "posse-configured-"));
});
afterAll(() => rm(empty, { recursive: true, force: true }));
beforeEach(clearRegistry);
afterEach(clearRegistry);

async function failure(
  env: EnvSource,
  options: { config?: Record<string, object> } = {},
): Promise<MailError> {
  const error = await createMailerFromEnv({ env, resolveFrom: [empty], ...options }).then(
    () => new Error("createMailerFromEnv resolved"),
    (caught: unknown) => caught,
  );
  expect(isMailError(error)).toBe(true);
  expect((error as MailError).code).toBe("CONFIG");
  return error as MailError;
}

const registerAll = () => {
  for (const id of ALL) registerProvider(fakeBuiltin(id));
};

describe("resolveMailProvider checks what createMailerFromEnv would refuse", () => {
  const cases: [string, EnvSource, ConfigProblem[], string[]][] = [
    [
      "no MAIL_FROM_ADDRESS",
      { MAIL_FROM_ADDRESS: undefined, MAIL_PROVIDER: "postmark", POSTMARK_API_TOKEN: "pm-Zq81" },
      [
        {
          variable: "MAIL_FROM_ADDRESS",
          problem: 'MAIL_FROM_ADDRESS is required: the sender, e.g. "app@example.com"',
        },
      ],
      ["pm-Zq81"],
    ],
    [
      "a malformed MAIL_FROM_ADDRESS",
      { MAIL_FROM_ADDRESS: "mailer-Zq81@", RESEND_API_KEY: "re-Zq81" },
      [
        {
          variable: "MAIL_FROM_ADDRESS",
          problem:
            'MAIL_FROM_ADDRESS is not a valid address: use "app@example.com" or "App Name <app@example.com>"',
        },
      ],
      ["mailer-Zq81", "re-Zq81"],
    ],
    [
      "SMTP_PORT=99999",
      { MAIL_PROVIDER: "smtp", SMTP_HOST: "smtp.example.com", SMTP_PORT: "99999" },
      [
        {
          provider: "smtp",
          variable: "SMTP_PORT",
          problem: "SMTP_PORT must be a port number from 1 to 65535",
        },
      ],
      ["99999"],
    ],
    [
      "SMTP_ENABLE_STARTTLS=maybe",
      { MAIL_PROVIDER: "smtp", SMTP_HOST: "smtp.example.com", SMTP_ENABLE_STARTTLS: "maybeZq81" },
      [
        {
          provider: "smtp",
          variable: "SMTP_ENABLE_STARTTLS",
          problem: "SMTP_ENABLE_STARTTLS must be true or false (also 1/0, yes/no)",
        },
      ],
      ["maybeZq81"],
    ],
    [
      "SMTP_USERNAME without SMTP_PASSWORD",
      { SMTP_HOST: "smtp.example.com", SMTP_USERNAME: "userZq81", MAIL_PROVIDER: "smtp" },
      [
        {
          provider: "smtp",
          variable: "SMTP_USERNAME",
          problem: "SMTP_USERNAME needs SMTP_PASSWORD to be set with it",
        },
      ],
      ["userZq81"],
    ],
    [
      "MAILGUN_REGION=asia (detected)",
      { MAILGUN_API_KEY: "key-Zq81", MAILGUN_DOMAIN: "mg.example.com", MAILGUN_REGION: "asiaZq81" },
      [{ provider: "mailgun", variable: "MAILGUN_REGION", problem: 'MAILGUN_REGION must be "us" or "eu"' }],
      ["key-Zq81", "asiaZq81", "mg.example.com"],
    ],
    [
      "a MAILGUN_DOMAIN with a scheme",
      {
        MAIL_PROVIDER: "mailgun",
        MAILGUN_API_KEY: "key-Zq81",
        MAILGUN_DOMAIN: "https://mgZq81.example.com/",
      },
      [
        {
          provider: "mailgun",
          variable: "MAILGUN_DOMAIN",
          problem: "MAILGUN_DOMAIN must be a bare domain name, with no scheme or path",
        },
      ],
      ["key-Zq81", "mgZq81"],
    ],
    [
      "an AWS access key id without its secret",
      { MAIL_PROVIDER: "amazon_ses", AWS_SES_REGION: "eu-west-1", AWS_SES_ACCESS_KEY_ID: "AKIAZq81" },
      [
        {
          provider: "amazon_ses",
          variable: "AWS_SES_ACCESS_KEY_ID",
          problem: "AWS_SES_ACCESS_KEY_ID needs AWS_SES_SECRET_ACCESS_KEY to be set with it",
        },
      ],
      ["AKIAZq81"],
    ],
    [
      "MAIL_RETRY_ATTEMPTS=0",
      { MAIL_PROVIDER: "brevo", BREVO_API_KEY: "xkeysib-Zq81", MAIL_RETRY_ATTEMPTS: "0" },
      [
        {
          variable: "MAIL_RETRY_ATTEMPTS",
          problem: "MAIL_RETRY_ATTEMPTS must be a whole number from 1 to 10",
        },
      ],
      ["xkeysib-Zq81"],
    ],
  ];

  it.each(cases)(
    "%s: not configured, the problem as data, and createMailerFromEnv fails on it",
    async (_, vars, problems, values) => {
      registerAll();
      const env = { MAIL_FROM_ADDRESS: FROM, ...vars };
      const resolution = resolveMailProvider(env, { resolveFrom: [empty] });
      expect(resolution?.configured).toBe(false);
      expect(resolution?.problems).toEqual(problems);
      expect(findSecret(resolution, values)).toBeUndefined();
      const error = await failure(env);
      for (const problem of problems) expect(error.message).toContain(problem.problem);
      expect(findSecret(error, values)).toBeUndefined();
      expect(created).toEqual([]);
    },
  );

  it.each(ALL)("%s with valid values is configured, and createMailerFromEnv then succeeds", async (id) => {
    registerAll();
    const env: Record<string, string> = {
      MAIL_FROM_ADDRESS: FROM,
      MAIL_PROVIDER: id,
      AWS_SES_REGION: "eu-west-1",
      RESEND_API_KEY: "re",
      MAILGUN_API_KEY: "k",
      MAILGUN_DOMAIN: "mg.example.com",
      MAILGUN_REGION: "EU",
      POSTMARK_API_TOKEN: "p",
      SENDGRID_API_KEY: "s",
      BREVO_API_KEY: "b",
      MAILJET_API_KEY: "k",
      MAILJET_API_SECRET: "s",
      SMTP_HOST: "smtp.example.com",
      SMTP_PORT: "2525",
      SMTP_ENABLE_STARTTLS: "Yes",
      MAIL_RETRY_ATTEMPTS: "5",
    };
    expect(resolveMailProvider(env, { resolveFrom: [empty] })).toMatchObject({
      configured: true,
      problems: [],
    });
    const mailer = await createMailerFromEnv({ env, resolveFrom: [empty] });
    expect(mailer.provider).toBe(id);
  });

  it("reads booleans and listed values in one spelling for the provider", async () => {
    registerAll();
    await createMailerFromEnv({
      env: {
        MAIL_FROM_ADDRESS: FROM,
        MAIL_PROVIDER: "smtp,mailgun",
        SMTP_HOST: "h.example",
        SMTP_ENABLE_STARTTLS: " NO ",
        MAILGUN_API_KEY: "k",
        MAILGUN_DOMAIN: "mg.example.com",
        MAILGUN_REGION: "EU",
      },
      resolveFrom: [empty],
    });
    expect(created.map((transport) => transport.config.values)).toMatchObject([
      { SMTP_ENABLE_STARTTLS: "false", SMTP_PORT: "587" },
      { MAILGUN_REGION: "eu" },
    ]);
  });

  it("says a provider whose package is neither registered nor installed is not configured", async () => {
    const env = { MAIL_FROM_ADDRESS: FROM, MAIL_PROVIDER: "resend", RESEND_API_KEY: "re-Zq81" };
    expect(resolveMailProvider(env, { resolveFrom: [empty] })).toMatchObject({
      configured: false,
      problems: [{ provider: "resend", problem: NOT_INSTALLED("@posse/mail-resend") }],
    });
    const error = await failure(env);
    expect(error.message).toBe(`MAIL_PROVIDER=resend: ${NOT_INSTALLED("@posse/mail-resend")}`);
    expect(error.provider).toBe("resend");
  });
});

describe("detection with a blank MAIL_PROVIDER", () => {
  it("passes over a configured provider whose package is not installed, and says why", async () => {
    registerProvider(fakeBuiltin("postmark"));
    const env = { MAIL_FROM_ADDRESS: FROM, RESEND_API_KEY: "re_1", POSTMARK_API_TOKEN: "pm" };
    expect(resolveMailProvider(env, { resolveFrom: [empty] })).toEqual({
      id: "postmark",
      chain: ["postmark"],
      reason: "detected",
      detectedFrom: ["POSTMARK_API_TOKEN"],
      unknown: [],
      missing: [],
      passedOver: [{ id: "resend", reason: "not-installed", problem: NOT_INSTALLED("@posse/mail-resend") }],
      problems: [],
      configured: true,
    });
    const mailer = await createMailerFromEnv({ env, resolveFrom: [empty] });
    expect(mailer.provider).toBe("postmark");
  });

  it("says the provider was detected, not selected by MAIL_PROVIDER, when none can be loaded", async () => {
    const env = { MAIL_FROM_ADDRESS: FROM, MAIL_PROVIDER: " ", RESEND_API_KEY: "re_1" };
    expect(resolveMailProvider(env, { resolveFrom: [empty] })).toMatchObject({
      id: "resend",
      reason: "detected",
      detectedFrom: ["RESEND_API_KEY"],
      passedOver: [],
      configured: false,
    });
    const error = await failure(env);
    expect(error.message).toBe(
      `resend (detected from RESEND_API_KEY; MAIL_PROVIDER is blank): ${NOT_INSTALLED("@posse/mail-resend")}`,
    );
    expect(error.message).not.toContain("MAIL_PROVIDER selects");
    expect(error.provider).toBe("resend");
  });
});

describe("MAIL_PROVIDER spellings", () => {
  it.each(["amazon-ses", "Amazon-SES", " amazon_ses "])("reads %j as amazon_ses", async (value) => {
    registerAll();
    const env = { MAIL_FROM_ADDRESS: FROM, MAIL_PROVIDER: value, AWS_SES_REGION: "eu-west-1" };
    expect(resolveMailProvider(env, { resolveFrom: [empty] })).toMatchObject({
      id: "amazon_ses",
      reason: "explicit",
      configured: true,
    });
    expect((await createMailerFromEnv({ env, resolveFrom: [empty] })).provider).toBe("amazon_ses");
  });

  it("reads the package spelling inside a failover chain", () => {
    expect(parseProviderList("amazon-ses, postmark,amazon_ses")).toEqual(["amazon_ses", "postmark"]);
  });
});

describe("CONFIG errors carry the provider", () => {
  it("fills in the provider of a CONFIG error its configFromEnv raised without one", async () => {
    registerProvider(
      fakeDefinition("postmark", { label: "Postmark", env: [] }, () => {
        throw new MailError("CONFIG", "the token is not a Server token");
      }),
    );
    const error = await failure({ MAIL_FROM_ADDRESS: FROM, MAIL_PROVIDER: "postmark" });
    expect(error.message).toBe("the token is not a Server token");
    expect(error.provider).toBe("postmark");
  });

  it("refuses config for an id that is no provider (a misspelt provider key)", async () => {
    registerAll();
    const error = await failure(
      { MAIL_FROM_ADDRESS: FROM, MAIL_PROVIDER: "postmark", POSTMARK_API_TOKEN: "p" },
      { config: { postmarc: { endpoint: "http://127.0.0.1:9" } } },
    );
    expect(error.message).toContain('config names unknown provider "postmarc"');
    expect(created).toEqual([]);
  });
});

describe("a third-party provider declares its checks the same way", () => {
  const acme = () =>
    fakeDefinition("acme_mail", {
      label: "Acme",
      env: [
        { name: "ACME_TOKEN", description: "token", required: true, secret: true },
        { name: "ACME_PORT", description: "port", format: "port", default: "8025" },
        { name: "ACME_MODE", description: "mode", oneOf: ["Live", "Sandbox"], default: "Live" },
        { name: "ACME_USER", description: "user", with: ["ACME_TOKEN"] },
      ],
    });

  it("checks its formats, listed values and combinations without loading anything", () => {
    registerProvider({
      ...acme(),
      checkEnv: (values) =>
        values.ACME_MODE === "Sandbox" && values.ACME_PORT !== "8025"
          ? [{ variable: "ACME_PORT", problem: "ACME_PORT must be 8025 in the sandbox" }]
          : [],
    });
    const env = { MAIL_FROM_ADDRESS: FROM, ACME_TOKEN: "t" };
    expect(resolveMailProvider({ ...env, ACME_PORT: "0", ACME_MODE: "test" })?.problems).toEqual([
      {
        provider: "acme_mail",
        variable: "ACME_PORT",
        problem: "ACME_PORT must be a port number from 1 to 65535",
      },
      { provider: "acme_mail", variable: "ACME_MODE", problem: 'ACME_MODE must be "Live" or "Sandbox"' },
    ]);
    expect(resolveMailProvider({ ...env, ACME_PORT: "25", ACME_MODE: "sandbox" })?.problems).toEqual([
      { provider: "acme_mail", variable: "ACME_PORT", problem: "ACME_PORT must be 8025 in the sandbox" },
    ]);
    expect(resolveMailProvider({ ...env, ACME_MODE: "SANDBOX" })).toMatchObject({ configured: true });
  });

  it("refuses a definition whose `with` names a variable it does not read", () => {
    expect(() =>
      fakeDefinition("acme_mail", {
        label: "Acme",
        env: [{ name: "ACME_USER", description: "user", with: ["ACME_PASWORD"] }],
      }),
    ).toThrow("provider acme_mail: ACME_USER is with unknown ACME_PASWORD");
  });
});
