// A set variable that posse-mail does not read but that is a typo of one it does is a configuration
// problem that names both spellings ("did you mean"); every name posse-mail reads, and other software's
// usual names, are never flagged; values are never shown.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { editDistance } from "../src/configuration/edit-distance.js";
import { groupPrefixes, variableGroups } from "../src/configuration/known-variables.js";
import {
  BUILTIN_PROVIDERS,
  createMailerFromEnv,
  type EnvSource,
  isMailError,
  listProviders,
  type MailError,
  resolveMailProvider,
} from "../src/index.js";
import { registerKnownVariables, registerProvider } from "../src/provider.js";
import { findSecret } from "../src/testing/index.js";
import { clearRegistry, fakeBuiltin, fakeDefinition } from "./support/provider-fakes.js";

const FROM = "App <app@example.com>";
const ALL = ["amazon_ses", "resend", "mailgun", "postmark", "sendgrid", "brevo", "mailjet", "smtp"];

beforeEach(() => {
  clearRegistry();
  for (const id of ALL) registerProvider(fakeBuiltin(id));
});
afterEach(() => {
  clearRegistry();
  // The names registered by a test (registerKnownVariables), gone as if its package was never imported.
  (globalThis as Record<symbol, Map<string, unknown> | undefined>)[
    Symbol.for("@posse/mail-core/known-variables")
  ]?.clear();
});

async function configError(env: EnvSource): Promise<MailError> {
  const error = await createMailerFromEnv({ env, resolveFrom: [] }).then(
    () => new Error("createMailerFromEnv resolved"),
    (caught: unknown) => caught,
  );
  expect(isMailError(error)).toBe(true);
  expect((error as MailError).code).toBe("CONFIG");
  return error as MailError;
}

const meant = (name: string, known: string) =>
  `${name} is not a variable posse-mail reads: did you mean ${known}?`;

describe("editDistance", () => {
  it.each([
    ["SMTP_HOST", "SMTP_HOST", 0],
    ["SMPT_HOST", "SMTP_HOST", 1],
    ["SMTP_ENABLE_STARTLS", "SMTP_ENABLE_STARTTLS", 1],
    ["SMTPHOST", "SMTP_HOST", 1],
    ["SMTP_HSOT", "SMTP_HOST", 1],
    ["SMTP_PORT", "SMTP_HOST", 2],
    ["SMTP_USER", "SMTP_USERNAME", 4],
    ["", "MAIL", 4],
    ["ca", "abc", 3],
  ])("%s → %s is %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe("misspelt variables in resolveMailProvider().problems and createMailerFromEnv's error", () => {
  it("SMTP_ENABLE_STARTLS=false names SMTP_ENABLE_STARTTLS, and the mailer is not built", async () => {
    const env = {
      MAIL_FROM_ADDRESS: FROM,
      MAIL_PROVIDER: "smtp",
      SMTP_HOST: "smtp.example.com",
      SMTP_ENABLE_STARTLS: "falseZq81",
    };
    const problem = {
      variable: "SMTP_ENABLE_STARTLS",
      problem: "SMTP_ENABLE_STARTLS is not a variable posse-mail reads: did you mean SMTP_ENABLE_STARTTLS?",
    };
    expect(resolveMailProvider(env, { resolveFrom: [] })).toMatchObject({
      configured: false,
      problems: [problem],
    });
    const error = await configError(env);
    expect(error.message).toBe(`MAIL_PROVIDER=smtp: ${problem.problem}`);
    expect(findSecret(error, ["falseZq81", "smtp.example.com"])).toBeUndefined();
  });

  it("a misspelt prefix (SMPT_HOST) is named before the variable it leaves unset", async () => {
    const env = { MAIL_FROM_ADDRESS: FROM, MAIL_PROVIDER: "smtp", SMPT_HOST: "smtpZq81.example.com" };
    expect(resolveMailProvider(env, { resolveFrom: [] })?.problems).toEqual([
      { variable: "SMPT_HOST", problem: meant("SMPT_HOST", "SMTP_HOST") },
      { provider: "smtp", variable: "SMTP_HOST", problem: "SMTP_HOST must be set" },
    ]);
    const error = await configError(env);
    expect(error.message).toBe(
      "MAIL_PROVIDER=smtp: SMPT_HOST is not a variable posse-mail reads: did you mean SMTP_HOST?; SMTP_HOST must be set",
    );
    expect(findSecret(error, ["smtpZq81"])).toBeUndefined();
  });

  it.each([
    ["MIAL_FROM_ADDRESS", "MAIL_FROM_ADDRESS"],
    ["MAIL_PROVIDERS", "MAIL_PROVIDER"],
    ["MAIL_RETRY_ATEMPTS", "MAIL_RETRY_ATTEMPTS"],
    ["SMTPHOST", "SMTP_HOST"],
    ["SMTP_PROT", "SMTP_PORT"],
    ["SMTP_MAX_CONECTIONS", "SMTP_MAX_CONNECTIONS"],
    ["AWS_SES_REGOIN", "AWS_SES_REGION"],
    ["AWS_SSE_REGION", "AWS_SES_REGION"],
    ["RESEND_APIKEY", "RESEND_API_KEY"],
    ["MAILGUN_DOMIAN", "MAILGUN_DOMAIN"],
    ["POSTMARK_API_TOKNE", "POSTMARK_API_TOKEN"],
    ["SENDGRID_API_KYE", "SENDGRID_API_KEY"],
    ["BREVO_APY_KEY", "BREVO_API_KEY"],
    ["MAILJET_API_SECERT", "MAILJET_API_SECRET"],
    ["POSTMARK_WEBHOOK_USER_NAME", "POSTMARK_WEBHOOK_USERNAME"],
  ])("%s: did you mean %s?", (typo, known) => {
    const env = { MAIL_FROM_ADDRESS: FROM, MAIL_PROVIDER: "postmark", POSTMARK_API_TOKEN: "p", [typo]: "x" };
    expect(resolveMailProvider(env, { resolveFrom: [] })?.problems).toEqual([
      { variable: typo, problem: meant(typo, known) },
    ]);
  });

  it("a blank misspelt variable counts as unset", () => {
    const env = {
      MAIL_FROM_ADDRESS: FROM,
      MAIL_PROVIDER: "postmark",
      POSTMARK_API_TOKEN: "p",
      SMPT_HOST: " ",
    };
    expect(resolveMailProvider(env, { resolveFrom: [] })).toMatchObject({ configured: true, problems: [] });
  });

  it("names each misspelt variable, with every other problem, in one error", async () => {
    const env = {
      MAIL_PROVIDER: "smtp",
      SMTP_PORT: "abc",
      SMTP_HSOT: "h.example.com",
      MAIL_FROM_ADRESS: FROM,
    };
    const error = await configError(env);
    expect(error.message).toBe(
      "MAIL_PROVIDER=smtp: " +
        [
          meant("MAIL_FROM_ADRESS", "MAIL_FROM_ADDRESS"),
          meant("SMTP_HSOT", "SMTP_HOST"),
          'MAIL_FROM_ADDRESS is required: the sender, e.g. "app@example.com"',
          "SMTP_HOST must be set",
          "SMTP_PORT must be a port number from 1 to 65535",
        ].join("; "),
    );
  });

  it("takes the prefixes of a registered third-party provider from its variables", () => {
    registerProvider(
      fakeDefinition("acme_mail", {
        label: "Acme",
        env: [
          { name: "ACME_API_TOKEN", description: "token", required: true, secret: true },
          { name: "ACME_ENDPOINT", description: "URL" },
        ],
      }),
    );
    const env = { MAIL_FROM_ADDRESS: FROM, MAIL_PROVIDER: "acme_mail", ACME_API_TOKEN: "t" };
    expect(resolveMailProvider({ ...env, ACME_ENDPIONT: "u" }, { resolveFrom: [] })?.problems).toEqual([
      { variable: "ACME_ENDPIONT", problem: meant("ACME_ENDPIONT", "ACME_ENDPOINT") },
    ]);
    expect(resolveMailProvider({ ...env, ACEM_API_TOKEN: "t" }, { resolveFrom: [] })?.problems).toEqual([
      { variable: "ACEM_API_TOKEN", problem: meant("ACEM_API_TOKEN", "ACME_API_TOKEN") },
    ]);
  });
});

describe("variables another package registers (registerKnownVariables)", () => {
  const configuredEnv = { MAIL_FROM_ADDRESS: FROM, MAIL_PROVIDER: "postmark", POSTMARK_API_TOKEN: "p" };
  const QUEUE = ["MAIL_QUEUE_URL", "MAIL_QUEUE_CONCURRENCY", "ACME_JOBS_URL", "ACME_JOBS_WORKERS"];

  it("names a misspelling of a registered name, with its did-you-mean, once the package registered them", () => {
    const env = { ...configuredEnv, MAIL_QUEUE_CONCURENCY: "4", ACME_JOBS_WORKRES: "2", ACEM_JOBS_URL: "u" };
    // The core holds no other package's names: before the registration, nothing to compare with.
    expect(resolveMailProvider(env, { resolveFrom: [] })?.problems).toEqual([]);
    registerKnownVariables(QUEUE);
    expect(resolveMailProvider(env, { resolveFrom: [] })?.problems).toEqual([
      { variable: "ACEM_JOBS_URL", problem: meant("ACEM_JOBS_URL", "ACME_JOBS_URL") },
      { variable: "ACME_JOBS_WORKRES", problem: meant("ACME_JOBS_WORKRES", "ACME_JOBS_WORKERS") },
      {
        variable: "MAIL_QUEUE_CONCURENCY",
        problem: meant("MAIL_QUEUE_CONCURENCY", "MAIL_QUEUE_CONCURRENCY"),
      },
    ]);
    const set = { ...configuredEnv, ...Object.fromEntries(QUEUE.map((name) => [name, "x"])) };
    expect(resolveMailProvider(set, { resolveFrom: [] })?.problems).toEqual([]);
  });

  it("keeps one group when the same names are registered again (the ESM and CommonJS builds both loaded)", () => {
    registerKnownVariables(QUEUE);
    const once = variableGroups(listProviders());
    registerKnownVariables([...QUEUE].reverse());
    expect(variableGroups(listProviders())).toEqual(once);
  });

  it.each([[[]], [["mail_queue_url"]], [["MAILQUEUEURL"]], [["MAIL_QUEUE_URL", ""]]])(
    "refuses %o with a TypeError",
    (names) => {
      expect(() => registerKnownVariables(names)).toThrow(TypeError);
    },
  );
});

describe("names that are never flagged", () => {
  const configuredEnv = { MAIL_FROM_ADDRESS: FROM, MAIL_PROVIDER: "postmark", POSTMARK_API_TOKEN: "p" };

  it("every variable posse-mail reads, all set at once", () => {
    const names = variableGroups(listProviders()).flat();
    expect(names).toEqual(expect.arrayContaining(["MAIL_RETRY_ATTEMPTS", "POSTMARK_WEBHOOK_USERNAME"]));
    const env = { ...Object.fromEntries(names.map((name) => [name, "x"])), ...configuredEnv };
    const problems = resolveMailProvider(env, { resolveFrom: [] })?.problems ?? [];
    expect(problems.filter((p) => p.problem.includes("not a variable posse-mail reads"))).toEqual([]);
  });

  it.each([
    // Other software's usual variables: Unix, cron, Laravel, nodemailer setups, the AWS SDK, the vendors' own docs.
    "MAIL",
    "MAILTO",
    "MAIL_HOST",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_ENCRYPTION",
    "MAIL_FROM_NAME",
    "MAIL_MAILER",
    "MAIL_DRIVER",
    "MAIL_URL",
    "EMAIL_PROVIDER",
    "SMTP_USER",
    "SMTP_PASS",
    "SMTP_SECURE",
    "SMTP_FROM",
    "SMTP_TLS",
    "SMTP_SERVER",
    "SNMP_HOST",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_ENDPOINT_URL_SESV2",
    "POSTMARK_SERVER_TOKEN",
    "POSTMARK_API_KEY",
    "MAILJET_APIKEY_PUBLIC",
    "MAILJET_APIKEY_PRIVATE",
    "SENDGRID_FROM_EMAIL",
    "MAILGUN_SIGNING_KEY",
  ])("%s", (name) => {
    const env = { ...configuredEnv, [name]: "x" };
    expect(resolveMailProvider(env, { resolveFrom: [] })).toMatchObject({ configured: true, problems: [] });
  });

  it("every variable name a package's source reads is one the core knows (a package that registers its own checks them)", () => {
    const packages = fileURLToPath(new URL("../..", import.meta.url));
    const groups = variableGroups(BUILTIN_PROVIDERS);
    const known = new Set(groups.flat());
    const prefixes = groups.flatMap(groupPrefixes);
    const read = new Set<string>();
    for (const pkg of readdirSync(packages)) {
      const src = join(packages, pkg, "src");
      let files: string[];
      try {
        files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((file) =>
          file.endsWith(".ts"),
        );
      } catch {
        continue;
      }
      const sources = files.map((file) => readFileSync(join(src, file), "utf8"));
      const registers = /\bregisterKnownVariables\b[^;]*from "@posse\/mail-core\/provider"/;
      if (sources.some((source) => registers.test(source))) continue;
      for (const source of sources) {
        for (const [, name] of source.matchAll(/"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"/g)) read.add(name!);
        // sharedSecretWebhook reads <PREFIX>_WEBHOOK_USERNAME, _PASSWORD and, unless envBearer is false, _TOKEN.
        const bearer = !source.includes("envBearer: false");
        for (const [, prefix] of source.matchAll(/envPrefix: "([A-Z]+)"/g)) {
          for (const suffix of ["USERNAME", "PASSWORD", ...(bearer ? ["TOKEN"] : [])]) {
            read.add(`${prefix}_WEBHOOK_${suffix}`);
          }
        }
      }
    }
    const ours = [...read].filter((name) => prefixes.some((prefix) => name.startsWith(prefix)));
    expect(ours).toEqual(expect.arrayContaining(["MAIL_RETRY_ATTEMPTS", "BREVO_WEBHOOK_TOKEN"]));
    expect(ours.filter((name) => !known.has(name))).toEqual([]);
  });
});
