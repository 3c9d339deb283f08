// createMailerFromEnv's configuration error lists every problem at once (as resolveMailProvider does), and
// says why nothing was detected when a provider's variables are only partly set.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createMailerFromEnv,
  type EnvSource,
  isMailError,
  type MailError,
  resolveMailProvider,
} from "../src/index.js";
import { registerProvider } from "../src/provider.js";
import { findSecret } from "../src/testing/index.js";
import { clearRegistry, created, fakeBuiltin } from "./support/provider-fakes.js";

const FROM = "App <app@example.com>";
const ALL = ["amazon_ses", "resend", "mailgun", "postmark", "sendgrid", "brevo", "mailjet", "smtp"];
const KNOWN = `known providers: ${ALL.join(", ")}`;
const NOTHING = "no e-mail provider is configured: ";
const WHAT_TO_SET =
  "set MAIL_PROVIDER, or the variables of one provider: amazon_ses (AWS_SES_REGION + AWS_SES_ACCESS_KEY_ID + AWS_SES_SECRET_ACCESS_KEY), resend (RESEND_API_KEY), mailgun (MAILGUN_API_KEY + MAILGUN_DOMAIN), postmark (POSTMARK_API_TOKEN), sendgrid (SENDGRID_API_KEY), brevo (BREVO_API_KEY), mailjet (MAILJET_API_KEY + MAILJET_API_SECRET), smtp (SMTP_HOST + SMTP_USERNAME + SMTP_PASSWORD)";

beforeEach(() => {
  clearRegistry();
  for (const id of ALL) registerProvider(fakeBuiltin(id));
});
afterEach(clearRegistry);

async function configError(env: EnvSource, config?: Record<string, object>): Promise<MailError> {
  const error = await createMailerFromEnv({ env, resolveFrom: [], ...(config && { config }) }).then(
    () => new Error("createMailerFromEnv resolved"),
    (caught: unknown) => caught,
  );
  expect(isMailError(error)).toBe(true);
  expect((error as MailError).code).toBe("CONFIG");
  expect(created).toEqual([]);
  return error as MailError;
}

describe("one CONFIG error names every problem", () => {
  it("MAIL_PROVIDER=smtp, SMTP_PORT=abc and no MAIL_FROM_ADDRESS: all three", async () => {
    const env = { MAIL_PROVIDER: "smtp", SMTP_PORT: "abcZq81" };
    const problems = [
      'MAIL_FROM_ADDRESS is required: the sender, e.g. "app@example.com"',
      "SMTP_HOST must be set",
      "SMTP_PORT must be a port number from 1 to 65535",
    ];
    expect(resolveMailProvider(env, { resolveFrom: [] })?.problems.map((p) => p.problem)).toEqual(problems);
    const error = await configError(env);
    expect(error.message).toBe(`MAIL_PROVIDER=smtp: ${problems.join("; ")}`);
    expect(findSecret(error, ["abcZq81"])).toBeUndefined();
  });

  it("an unknown MAIL_PROVIDER id, a provider's missing variable and a bad sender together", async () => {
    const error = await configError({ MAIL_PROVIDER: "mailchimp,postmark", MAIL_FROM_ADDRESS: "nope" });
    expect(error.message).toBe(
      "MAIL_PROVIDER=mailchimp,postmark: " +
        'MAIL_FROM_ADDRESS is not a valid address: use "app@example.com" or "App Name <app@example.com>"; ' +
        '"mailchimp" is not a known provider; postmark: POSTMARK_API_TOKEN must be set; ' +
        KNOWN,
    );
  });

  it("a config key that is no provider, with the environment's problems", async () => {
    const error = await configError(
      { MAIL_PROVIDER: "postmark", MAIL_RETRY_ATTEMPTS: "0" },
      { postmarc: { endpoint: "http://127.0.0.1:9" } },
    );
    expect(error.message).toBe(
      "MAIL_PROVIDER=postmark: " +
        'config names unknown provider "postmarc"; ' +
        'MAIL_FROM_ADDRESS is required: the sender, e.g. "app@example.com"; ' +
        "MAIL_RETRY_ATTEMPTS must be a whole number from 1 to 10; " +
        "POSTMARK_API_TOKEN must be set; " +
        KNOWN,
    );
  });

  it("a config key that is no provider when the environment is fine", async () => {
    const error = await configError(
      { MAIL_PROVIDER: "postmark", POSTMARK_API_TOKEN: "p", MAIL_FROM_ADDRESS: FROM },
      { postmarc: {} },
    );
    expect(error.message).toBe(`MAIL_PROVIDER=postmark: config names unknown provider "postmarc"; ${KNOWN}`);
  });
});

describe("nothing configured: why no provider was detected", () => {
  it("SMTP_HOST without a login: an SMTP relay must be chosen with MAIL_PROVIDER=smtp", async () => {
    const env = { MAIL_FROM_ADDRESS: FROM, SMTP_HOST: "relayZq81.internal" };
    expect(resolveMailProvider(env, { resolveFrom: [] })).toBeUndefined();
    const error = await configError(env);
    expect(error.message).toBe(
      `${NOTHING}SMTP_HOST is set without SMTP_USERNAME and SMTP_PASSWORD, so SMTP is not detected: to send without them, choose it with MAIL_PROVIDER=smtp; ${WHAT_TO_SET}`,
    );
    expect(findSecret(error, ["relayZq81"])).toBeUndefined();
    const chosen = await createMailerFromEnv({ env: { ...env, MAIL_PROVIDER: "smtp" }, resolveFrom: [] });
    expect(chosen.provider).toBe("smtp");
  });

  it("Amazon SES with a region alone (the AWS credential chain) likewise", async () => {
    const error = await configError({ MAIL_FROM_ADDRESS: FROM, AWS_SES_REGION: "eu-west-1" });
    expect(error.message).toBe(
      `${NOTHING}AWS_SES_REGION is set without AWS_SES_ACCESS_KEY_ID and AWS_SES_SECRET_ACCESS_KEY, so Amazon SES is not detected: to send without them, choose it with MAIL_PROVIDER=amazon_ses; ${WHAT_TO_SET}`,
    );
  });

  it("a variable a provider cannot do without: names it, and offers no MAIL_PROVIDER that would fail", async () => {
    const error = await configError({ MAIL_FROM_ADDRESS: FROM, MAILGUN_API_KEY: "keyZq81" });
    expect(error.message).toBe(
      `${NOTHING}MAILGUN_API_KEY is set without MAILGUN_DOMAIN, so Mailgun is not detected; ${WHAT_TO_SET}`,
    );
    expect(findSecret(error, ["keyZq81"])).toBeUndefined();
  });

  it("with a misspelt variable and no sender: every hint and problem, then what to set", async () => {
    const error = await configError({
      SMPT_HOST: "h.example.com",
      SMTP_USERNAME: "u",
      SMTP_PASSWORD: "pZq81",
    });
    expect(error.message).toBe(
      NOTHING +
        [
          "SMTP_USERNAME and SMTP_PASSWORD are set without SMTP_HOST, so SMTP is not detected",
          "SMPT_HOST is not a variable posse-mail reads: did you mean SMTP_HOST?",
          'MAIL_FROM_ADDRESS is required: the sender, e.g. "app@example.com"',
          WHAT_TO_SET,
        ].join("; "),
    );
    expect(findSecret(error, ["pZq81"])).toBeUndefined();
  });

  it("nothing set at all: what to set", async () => {
    expect((await configError({ MAIL_FROM_ADDRESS: FROM })).message).toBe(NOTHING + WHAT_TO_SET);
  });
});
