import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  BUILTIN_PROVIDERS,
  createMailerFromEnv,
  type EnvSource,
  isMailError,
  listProviders,
  MailError,
  resolveMailProvider,
} from "../src/index.js";
import { parseProviderList, registerProvider } from "../src/provider.js";
import { findSecret } from "../src/testing/index.js";
import {
  clearRegistry,
  created,
  fakeBuiltin,
  fakeDefinition,
  REGISTRY_KEY,
  thirdParty,
} from "./support/provider-fakes.js";

type Core = typeof import("../src/index.js") & typeof import("../src/provider.js");

// The contract, written out rather than read from the implementation, so a change to either shows.
const ORDER = [
  "amazon_ses",
  "resend",
  "mailgun",
  "postmark",
  "sendgrid",
  "brevo",
  "mailjet",
  "smtp",
] as const;
type Id = (typeof ORDER)[number];
const DETECT: Record<Id, readonly string[]> = {
  amazon_ses: ["AWS_SES_REGION", "AWS_SES_ACCESS_KEY_ID", "AWS_SES_SECRET_ACCESS_KEY"],
  resend: ["RESEND_API_KEY"],
  mailgun: ["MAILGUN_API_KEY", "MAILGUN_DOMAIN"],
  postmark: ["POSTMARK_API_TOKEN"],
  sendgrid: ["SENDGRID_API_KEY"],
  brevo: ["BREVO_API_KEY"],
  mailjet: ["MAILJET_API_KEY", "MAILJET_API_SECRET"],
  smtp: ["SMTP_HOST", "SMTP_USERNAME", "SMTP_PASSWORD"],
};
const REQUIRED: Record<Id, readonly string[]> = {
  ...DETECT,
  amazon_ses: ["AWS_SES_REGION"],
  smtp: ["SMTP_HOST"],
};
const FROM = "App <app@example.com>";

/** A unique, recognisable value per variable, so a test can tell which one leaked (a domain name where one is due). */
const marker = (name: string) =>
  `mk${name.toLowerCase().replace(/_/g, "")}Zq81${name === "MAILGUN_DOMAIN" ? ".example" : ""}`;

/** A resolution with nothing wrong: what the first tests expect, field by field. */
function usable(id: string, reason: "explicit" | "detected", chain: readonly string[] = [id]) {
  return {
    id,
    chain,
    reason,
    detectedFrom: reason === "detected" ? DETECT[id as Id] : [],
    unknown: [],
    missing: [],
    passedOver: [],
    problems: [],
    configured: true,
  };
}

function envWith(names: readonly string[], extra: EnvSource = {}): Record<string, string | undefined> {
  return {
    MAIL_FROM_ADDRESS: FROM,
    ...Object.fromEntries(names.map((name) => [name, marker(name)])),
    ...extra,
  };
}

async function configError(promise: Promise<unknown>): Promise<MailError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a CONFIG MailError, but the promise resolved");
    },
    (caught: unknown) => caught,
  );
  expect(isMailError(error)).toBe(true);
  expect((error as MailError).code).toBe("CONFIG");
  return error as MailError;
}

function registerFakeBuiltins(): void {
  for (const id of ORDER) registerProvider(fakeBuiltin(id));
}

beforeEach(clearRegistry);
afterEach(() => {
  clearRegistry();
  vi.unstubAllEnvs();
});

describe("the built-in catalog", () => {
  it("lists the eight first-party providers in detection order, none registered yet", () => {
    expect(BUILTIN_PROVIDERS.map((provider) => provider.id)).toEqual([...ORDER]);
    expect(listProviders().map((provider) => [provider.id, provider.registered])).toEqual(
      ORDER.map((id) => [id, false]),
    );
    for (const provider of BUILTIN_PROVIDERS) {
      expect(provider.packageName).toBe(`@posse/mail-${provider.id.replace(/_/g, "-")}`);
    }
  });
});

describe("resolveMailProvider: MAIL_PROVIDER names the provider", () => {
  beforeEach(registerFakeBuiltins);

  it.each(ORDER)("%s chosen explicitly with its required variables is configured", (id) => {
    expect(resolveMailProvider(envWith(REQUIRED[id], { MAIL_PROVIDER: id }))).toEqual(usable(id, "explicit"));
  });

  it.each(ORDER)("%s chosen explicitly wins over every provider whose variables are set", (id) => {
    const everything = ORDER.flatMap((other) => DETECT[other]);
    expect(resolveMailProvider(envWith(everything, { MAIL_PROVIDER: id }))?.id).toBe(id);
  });

  it.each(ORDER)("%s chosen explicitly with nothing set is missing every required variable", (id) => {
    expect(resolveMailProvider({ MAIL_PROVIDER: id })).toMatchObject({
      id,
      reason: "explicit",
      missing: REQUIRED[id],
      configured: false,
    });
  });

  it.each([" Postmark ", "POSTMARK", "\tpostmark\n", "PostMark"])("trims and lower-cases %j", (value) => {
    expect(resolveMailProvider(envWith(["POSTMARK_API_TOKEN"], { MAIL_PROVIDER: value }))).toMatchObject({
      id: "postmark",
      chain: ["postmark"],
      reason: "explicit",
      configured: true,
    });
  });

  it("reports an unknown name without loading anything", () => {
    expect(resolveMailProvider(envWith(["RESEND_API_KEY"], { MAIL_PROVIDER: "mailchimp" }))).toEqual({
      ...usable("mailchimp", "explicit"),
      unknown: ["mailchimp"],
      problems: [{ provider: "mailchimp", problem: '"mailchimp" is not a known provider' }],
      configured: false,
    });
  });

  it("takes a comma-separated failover chain, dropping blanks and duplicates", () => {
    expect(parseProviderList(" postmark, Resend ,,POSTMARK ")).toEqual(["postmark", "resend"]);
    expect(
      resolveMailProvider(envWith(["POSTMARK_API_TOKEN"], { MAIL_PROVIDER: "postmark,resend" })),
    ).toEqual({
      ...usable("postmark", "explicit", ["postmark", "resend"]),
      missing: ["RESEND_API_KEY"],
      problems: [{ provider: "resend", variable: "RESEND_API_KEY", problem: "RESEND_API_KEY must be set" }],
      configured: false,
    });
  });

  it("counts a whitespace-only variable as unset", () => {
    const env = { MAIL_PROVIDER: "mailgun", MAILGUN_API_KEY: "key", MAILGUN_DOMAIN: "  \t " };
    expect(resolveMailProvider(env)?.missing).toEqual(["MAILGUN_DOMAIN"]);
  });

  it("treats Amazon SES with only a region as configured (AWS credential chain) but never detects it", () => {
    const regionOnly = { AWS_SES_REGION: "eu-west-1", MAIL_FROM_ADDRESS: FROM };
    expect(resolveMailProvider({ ...regionOnly, MAIL_PROVIDER: "amazon_ses" })).toMatchObject({
      id: "amazon_ses",
      configured: true,
      missing: [],
    });
    expect(resolveMailProvider(regionOnly)).toBeUndefined();
    expect(resolveMailProvider({ ...regionOnly, AWS_SES_ACCESS_KEY_ID: "id" })).toBeUndefined();
  });

  it("treats SMTP with only a host as configured when named, but detects it only with host, username and password", () => {
    expect(
      resolveMailProvider({ MAIL_PROVIDER: "smtp", SMTP_HOST: "mail.example.com", MAIL_FROM_ADDRESS: FROM }),
    ).toMatchObject({
      id: "smtp",
      configured: true,
    });
    expect(resolveMailProvider({ SMTP_HOST: "mail.example.com" })).toBeUndefined();
    expect(resolveMailProvider({ SMTP_HOST: "mail.example.com", SMTP_USERNAME: "u" })).toBeUndefined();
    expect(resolveMailProvider({ SMTP_HOST: "mail.example.com", SMTP_PASSWORD: "p" })).toBeUndefined();
  });

  it("reads process.env when no env is given", () => {
    vi.stubEnv("MAIL_PROVIDER", "brevo");
    vi.stubEnv("BREVO_API_KEY", "xkeysib-1");
    vi.stubEnv("MAIL_FROM_ADDRESS", FROM);
    expect(resolveMailProvider()).toMatchObject({ id: "brevo", reason: "explicit", configured: true });
  });
});

describe("resolveMailProvider: blank MAIL_PROVIDER detects the first configured provider", () => {
  beforeEach(registerFakeBuiltins);

  it.each(["", "   ", undefined, " , "])(
    "MAIL_PROVIDER=%j with nothing set resolves to undefined",
    (value) => {
      expect(resolveMailProvider({ MAIL_PROVIDER: value, MAIL_FROM_ADDRESS: FROM })).toBeUndefined();
    },
  );

  it.each(ORDER)("detects %s from exactly its detection variables", (id) => {
    expect(resolveMailProvider(envWith(DETECT[id], { MAIL_PROVIDER: " " }))).toEqual(usable(id, "detected"));
  });

  const partial = ORDER.flatMap((id) =>
    DETECT[id].length > 1 ? DETECT[id].map((left) => [id, left] as const) : [],
  );
  it.each(partial)("does not detect %s without %s", (id, left) => {
    const names = DETECT[id].filter((name) => name !== left);
    expect(resolveMailProvider(envWith(names))).toBeUndefined();
    expect(resolveMailProvider(envWith(names, { [left]: "   " }))).toBeUndefined();
  });

  it.each(ORDER)("does not detect %s when its variables are whitespace only", (id) => {
    const env = Object.fromEntries(DETECT[id].map((name) => [name, " \t\n"]));
    expect(resolveMailProvider(env)).toBeUndefined();
  });

  it("picks amazon_ses when every provider is configured", () => {
    expect(resolveMailProvider(envWith(ORDER.flatMap((id) => DETECT[id])))?.id).toBe("amazon_ses");
  });

  it.each(ORDER.map((id, index) => [id, index] as const))(
    "picks %s when it and every later provider are configured",
    (id, index) => {
      const names = ORDER.slice(index).flatMap((later) => DETECT[later]);
      expect(resolveMailProvider(envWith(names))).toMatchObject({ id, reason: "detected" });
    },
  );

  const pairs = ORDER.flatMap((first, i) => ORDER.slice(i + 1).map((second) => [first, second] as const));
  it.each(pairs)("prefers %s over %s", (first, second) => {
    // Insertion order of the env object must not matter: the later provider's variables come first.
    const env = envWith([...DETECT[second], ...DETECT[first]]);
    expect(resolveMailProvider(env)?.id).toBe(first);
  });

  it("detects a registered third-party provider only after every built-in", () => {
    registerProvider(thirdParty("acme_mail", ["ACME_TOKEN"]));
    expect(resolveMailProvider({ ACME_TOKEN: "t" })).toMatchObject({ id: "acme_mail", reason: "detected" });
    expect(
      resolveMailProvider({ ACME_TOKEN: "t", SMTP_HOST: "h", SMTP_USERNAME: "u", SMTP_PASSWORD: "p" })?.id,
    ).toBe("smtp");
    expect(resolveMailProvider({ ACME_TOKEN: "t", RESEND_API_KEY: "k" })?.id).toBe("resend");
  });

  it("tries third-party providers in registration order, and never detects one that reads no variables", () => {
    registerProvider(fakeDefinition("no_vars", { label: "No vars", env: [] }));
    registerProvider(thirdParty("zeta_mail", ["ZETA_KEY"]));
    registerProvider(thirdParty("alpha_mail", ["ALPHA_KEY"]));
    expect(resolveMailProvider({})).toBeUndefined();
    expect(resolveMailProvider({ ALPHA_KEY: "a", ZETA_KEY: "z" })?.id).toBe("zeta_mail");
    expect(resolveMailProvider({ ALPHA_KEY: "a" })?.id).toBe("alpha_mail");
    expect(resolveMailProvider({ MAIL_PROVIDER: "no_vars", MAIL_FROM_ADDRESS: FROM })).toMatchObject({
      id: "no_vars",
      configured: true,
    });
  });

  it("treats an unregistered third-party id as unknown", () => {
    expect(resolveMailProvider({ MAIL_PROVIDER: "acme_mail", ACME_TOKEN: "t" })?.unknown).toEqual([
      "acme_mail",
    ]);
  });
});

describe("createMailerFromEnv", () => {
  beforeEach(registerFakeBuiltins);

  it.each(ORDER)("builds a mailer for %s chosen explicitly and sends through it", async (id) => {
    const mailer = await createMailerFromEnv({
      env: envWith(REQUIRED[id], { MAIL_PROVIDER: ` ${id.toUpperCase()} ` }),
    });
    expect(mailer.provider).toBe(id);
    expect(mailer.providers).toEqual([id]);
    expect(mailer.from).toEqual({ address: "app@example.com", name: "App" });
    await expect(mailer.send({ to: "ann@example.com", subject: "Hi", text: "Hello" })).resolves.toEqual({
      provider: id,
      messageId: `${id}-1`,
    });
    expect(created).toHaveLength(1);
    expect(created[0]?.outbox[0]).toMatchObject({
      from: { address: "app@example.com", name: "App" },
      to: [{ address: "ann@example.com" }],
    });
  });

  it.each(ORDER)("builds a mailer for %s detected from a blank MAIL_PROVIDER", async (id) => {
    const mailer = await createMailerFromEnv({ env: envWith(DETECT[id], { MAIL_PROVIDER: "  " }) });
    expect(mailer.provider).toBe(id);
    expect(created.map((transport) => transport.id)).toEqual([id]);
  });

  it.each(ORDER)("hands %s its variables trimmed, with defaults for blank ones", async (id) => {
    const names = BUILTIN_PROVIDERS.find((provider) => provider.id === id)!.env.map((v) => v.name);
    const padded = Object.fromEntries(REQUIRED[id].map((name) => [name, `  ${marker(name)}\t`]));
    await createMailerFromEnv({ env: { ...padded, MAIL_PROVIDER: id, MAIL_FROM_ADDRESS: FROM } });
    const values = created[0]!.config.values;
    expect(Object.keys(values).sort()).toEqual([...names].sort());
    for (const name of REQUIRED[id]) expect(values[name]).toBe(marker(name));
  });

  it("applies documented defaults: MAILGUN_REGION us, SMTP_PORT 587, SMTP_ENABLE_STARTTLS true", async () => {
    await createMailerFromEnv({
      env: envWith(REQUIRED.mailgun, { MAIL_PROVIDER: "mailgun", MAILGUN_REGION: " " }),
    });
    await createMailerFromEnv({ env: envWith(REQUIRED.smtp, { MAIL_PROVIDER: "smtp" }) });
    expect(created[0]!.config.values.MAILGUN_REGION).toBe("us");
    expect(created[1]!.config.values).toMatchObject({ SMTP_PORT: "587", SMTP_ENABLE_STARTTLS: "true" });
    expect(created[1]!.config.values.SMTP_USERNAME).toBeUndefined();
  });

  it("builds Amazon SES from a region alone when named (credential chain)", async () => {
    const mailer = await createMailerFromEnv({
      env: { MAIL_PROVIDER: "amazon_ses", AWS_SES_REGION: "eu-west-1", MAIL_FROM_ADDRESS: FROM },
    });
    expect(mailer.provider).toBe("amazon_ses");
    expect(created[0]!.config.values).toMatchObject({
      AWS_SES_REGION: "eu-west-1",
      AWS_SES_ACCESS_KEY_ID: undefined,
      AWS_SES_SECRET_ACCESS_KEY: undefined,
    });
  });

  it("merges options.config over what the provider read from env", async () => {
    await createMailerFromEnv({
      env: envWith(REQUIRED.postmark, { MAIL_PROVIDER: "postmark" }),
      config: { postmark: { endpoint: "http://127.0.0.1:1" }, resend: { endpoint: "unused" } },
    });
    expect(created[0]!.config).toMatchObject({ endpoint: "http://127.0.0.1:1" });
    expect(created[0]!.config.values.POSTMARK_API_TOKEN).toBe(marker("POSTMARK_API_TOKEN"));
  });

  it("builds a failover chain from MAIL_PROVIDER=postmark,resend", async () => {
    const mailer = await createMailerFromEnv({
      env: envWith([...REQUIRED.postmark, ...REQUIRED.resend], { MAIL_PROVIDER: "postmark, RESEND" }),
    });
    expect(mailer.provider).toBe("postmark");
    expect(mailer.providers).toEqual(["postmark", "resend"]);
    expect(created.map((transport) => transport.id)).toEqual(["postmark", "resend"]);
    await expect(mailer.send({ to: "ann@example.com", subject: "Hi", text: "x" })).resolves.toEqual({
      provider: "postmark",
      messageId: "postmark-1",
    });
  });

  it("detects and builds a registered third-party provider after the built-ins", async () => {
    registerProvider(thirdParty("acme_mail", ["ACME_TOKEN"]));
    const alone = await createMailerFromEnv({ env: envWith(["ACME_TOKEN"]) });
    expect(alone.provider).toBe("acme_mail");
    const withBrevo = await createMailerFromEnv({ env: envWith(["ACME_TOKEN", "BREVO_API_KEY"]) });
    expect(withBrevo.provider).toBe("brevo");
  });

  it("reads process.env when no env is given", async () => {
    vi.stubEnv("MAIL_PROVIDER", "sendgrid");
    vi.stubEnv("SENDGRID_API_KEY", "SG.x");
    vi.stubEnv("MAIL_FROM_ADDRESS", "ops@example.com");
    const mailer = await createMailerFromEnv();
    expect(mailer.provider).toBe("sendgrid");
    expect(mailer.from).toEqual({ address: "ops@example.com" });
  });

  describe("CONFIG errors", () => {
    it("names the known providers for an unknown MAIL_PROVIDER", async () => {
      registerProvider(thirdParty("acme_mail", ["ACME_TOKEN"]));
      const error = await configError(
        createMailerFromEnv({ env: envWith([], { MAIL_PROVIDER: "MailChimp" }) }),
      );
      expect(error.message).toContain('"mailchimp"');
      for (const id of [...ORDER, "acme_mail"]) expect(error.message).toContain(id);
    });

    it("reports an unknown provider in a chain even when a known one lacks variables", async () => {
      const error = await configError(
        createMailerFromEnv({ env: envWith([], { MAIL_PROVIDER: "mailchimp,postmark" }) }),
      );
      expect(error.message).toContain('"mailchimp"');
      for (const id of ORDER) expect(error.message).toContain(id);
    });

    it("says what to set when nothing is configured", async () => {
      const error = await configError(createMailerFromEnv({ env: { MAIL_FROM_ADDRESS: FROM } }));
      expect(error.message).toContain("MAIL_PROVIDER");
      for (const id of ORDER) {
        expect(error.message).toContain(id);
        for (const name of DETECT[id]) expect(error.message).toContain(name);
      }
      expect(created).toEqual([]);
    });

    it.each(ORDER)("names every missing variable of %s in one message", async (id) => {
      const error = await configError(
        createMailerFromEnv({ env: { MAIL_PROVIDER: id, MAIL_FROM_ADDRESS: FROM } }),
      );
      for (const name of REQUIRED[id]) expect(error.message).toContain(name);
      expect(error.provider).toBe(id);
    });

    const multi = ORDER.flatMap((id) => REQUIRED[id].map((left) => [id, left] as const));
    it.each(multi)(
      "names %s's %s when only it is missing, and not the ones that are set",
      async (id, left) => {
        const set = REQUIRED[id].filter((name) => name !== left);
        const error = await configError(
          createMailerFromEnv({ env: envWith(set, { MAIL_PROVIDER: id, [left]: " " }) }),
        );
        expect(error.message).toContain(left);
        for (const name of set) expect(error.message).not.toContain(name);
      },
    );

    it("names the missing variables of every provider in a chain", async () => {
      const error = await configError(
        createMailerFromEnv({ env: envWith([], { MAIL_PROVIDER: "postmark,mailgun" }) }),
      );
      for (const name of ["POSTMARK_API_TOKEN", "MAILGUN_API_KEY", "MAILGUN_DOMAIN"]) {
        expect(error.message).toContain(name);
      }
    });

    it.each([undefined, "", "   "])("requires MAIL_FROM_ADDRESS (%j)", async (value) => {
      const error = await configError(
        createMailerFromEnv({
          env: envWith(REQUIRED.postmark, { MAIL_PROVIDER: "postmark", MAIL_FROM_ADDRESS: value }),
        }),
      );
      expect(error.message).toContain("MAIL_FROM_ADDRESS");
      expect(created).toEqual([]);
    });

    it.each([
      "not an address",
      "mailer@localhost",
      "Mailer <mailer@example.org",
      "Mailer <>",
      "mailer@@example.org",
      "mail er@example.org",
      "Mailer <mailer@example.org>\r\nBcc: x@example.org",
    ])("rejects a malformed MAIL_FROM_ADDRESS %j without repeating it", async (value) => {
      const error = await configError(
        createMailerFromEnv({
          env: envWith(REQUIRED.postmark, { MAIL_PROVIDER: "postmark", MAIL_FROM_ADDRESS: value }),
        }),
      );
      expect(error.message).toContain("MAIL_FROM_ADDRESS");
      expect(findSecret(error, [value.trim()])).toBeUndefined();
    });

    it("checks MAIL_FROM_ADDRESS even when no provider is configured", async () => {
      const error = await configError(createMailerFromEnv({ env: { MAIL_FROM_ADDRESS: "nope" } }));
      expect(error.message).toContain("MAIL_FROM_ADDRESS");
    });
  });

  describe("values never appear in errors", () => {
    const everything = [...new Set(BUILTIN_PROVIDERS.flatMap((provider) => provider.env.map((v) => v.name)))];
    const markers = everything.map(marker);

    it.each(ORDER)("a %s missing one required variable names it but shows no value", async (id) => {
      const left = REQUIRED[id].at(-1)!;
      const env = envWith(everything, { MAIL_PROVIDER: id, [left]: "" });
      const error = await configError(createMailerFromEnv({ env }));
      expect(error.message).toContain(left);
      expect(findSecret(error, markers)).toBeUndefined();
    });

    it("an unknown provider shows no value", async () => {
      const error = await configError(
        createMailerFromEnv({ env: envWith(everything, { MAIL_PROVIDER: "nope" }) }),
      );
      expect(findSecret(error, markers)).toBeUndefined();
    });

    it("nothing configured shows none of the partial values", async () => {
      const partial = [
        "AWS_SES_REGION",
        "AWS_SES_ACCESS_KEY_ID",
        "MAILGUN_API_KEY",
        "MAILJET_API_SECRET",
        "SMTP_HOST",
      ];
      const error = await configError(createMailerFromEnv({ env: envWith(partial) }));
      expect(findSecret(error, markers)).toBeUndefined();
    });

    it("a malformed MAIL_FROM_ADDRESS shows neither itself nor other values", async () => {
      const from = "mkfromvalueZq81@";
      const error = await configError(
        createMailerFromEnv({
          env: envWith(everything, { MAIL_PROVIDER: "postmark", MAIL_FROM_ADDRESS: from }),
        }),
      );
      expect(findSecret(error, [...markers, from])).toBeUndefined();
    });

    it("a provider's configFromEnv error that quotes a secret is redacted", async () => {
      clearRegistry();
      registerProvider(
        fakeDefinition(
          "postmark",
          {
            label: "Postmark",
            env: [{ name: "POSTMARK_API_TOKEN", description: "t", required: true, secret: true }],
          },
          (values) => {
            throw new MailError(
              "CONFIG",
              `POSTMARK_API_TOKEN ${values.POSTMARK_API_TOKEN} is not a Server token`,
            );
          },
        ),
      );
      const error = await configError(
        createMailerFromEnv({ env: envWith(everything, { MAIL_PROVIDER: "postmark" }) }),
      );
      expect(error.message).toContain("POSTMARK_API_TOKEN");
      expect(findSecret(error, markers)).toBeUndefined();
    });
  });
});

describe("one registry shared by every copy of the core", () => {
  // Each copy's main and provider entries (an application's and a provider package's view of it).
  const dist = (entry: string) => new URL(`../dist/${entry}`, import.meta.url);
  const require = createRequire(import.meta.url);

  async function copies(): Promise<{ esm: Core; cjs: Core }> {
    const esm = {
      ...(await import(dist("index.js").href)),
      ...(await import(dist("provider.js").href)),
    } as Core;
    const cjs = {
      ...require(fileURLToPath(dist("index.cjs"))),
      ...require(fileURLToPath(dist("provider.cjs"))),
    } as Core;
    return { esm, cjs };
  }

  it("loads two distinct copies (ESM and CommonJS builds)", async () => {
    const { esm, cjs } = await copies();
    expect(esm.MailError).not.toBe(cjs.MailError);
    expect(esm.registerProvider).not.toBe(cjs.registerProvider);
  });

  it("sees in the CommonJS copy what the ESM copy registered, and the other way round", async () => {
    const { esm, cjs } = await copies();
    esm.registerProvider(esm.defineProvider({ ...thirdParty("from_esm", ["FROM_ESM_KEY"]) }));
    cjs.registerProvider(cjs.defineProvider({ ...thirdParty("from_cjs", ["FROM_CJS_KEY"]) }));
    for (const core of [esm, cjs, { listProviders }]) {
      const ids = core.listProviders().map((provider) => provider.id);
      expect(ids).toEqual([...ORDER, "from_esm", "from_cjs"]);
    }
    expect(cjs.resolveMailProvider({ FROM_ESM_KEY: "k" })?.id).toBe("from_esm");
    expect(esm.resolveMailProvider({ FROM_CJS_KEY: "k" })?.id).toBe("from_cjs");
    expect(cjs.getRegisteredProvider("from_esm")?.label).toBe("from_esm");
  });

  it("builds a mailer in one copy from a provider registered through another", async () => {
    const { cjs } = await copies();
    registerProvider(fakeBuiltin("resend"));
    const mailer = await cjs.createMailerFromEnv({ env: envWith(["RESEND_API_KEY"]) });
    expect(mailer.provider).toBe("resend");
    await expect(mailer.send({ to: "ann@example.com", subject: "Hi", text: "x" })).resolves.toMatchObject({
      provider: "resend",
    });
  });

  it("reuses a registry Map that existed before the core was loaded", async () => {
    const script = `
      const key = Symbol.for("@posse/mail-core/registry");
      const early = new Map([["early_mail", { id: "early_mail", label: "Early", env: [{ name: "EARLY_KEY", required: true }] }]]);
      globalThis[key] = early;
      const esm = await import(process.argv[1]);
      const { createRequire } = await import("node:module");
      const cjs = createRequire(import.meta.url)(process.argv[2]);
      esm.registerProvider(esm.defineProvider({ id: "late_mail", label: "Late", env: [], configFromEnv: () => ({}), create: () => ({}) }));
      process.stdout.write(JSON.stringify({
        same: globalThis[key] === early,
        mapIds: [...early.keys()],
        cjsIds: cjs.listProviders().map((p) => p.id),
        detected: cjs.resolveMailProvider({ EARLY_KEY: "k" })?.id,
      }));`;
    const { stdout } = await promisify(execFile)(process.execPath, [
      "--input-type=module",
      "-e",
      script,
      dist("provider.js").href,
      fileURLToPath(dist("index.cjs")),
    ]);
    expect(JSON.parse(stdout)).toEqual({
      same: true,
      mapIds: ["early_mail", "late_mail"],
      cjsIds: [...ORDER, "early_mail", "late_mail"],
      detected: "early_mail",
    });
  }, 30_000); // a Node process loading both builds of the core: seconds on a busy 2-core machine

  it('uses the Map stored under Symbol.for("@posse/mail-core/registry") in this process', () => {
    registerProvider(thirdParty("keyed_mail", ["KEYED"]));
    const registry = (globalThis as Record<symbol, unknown>)[REGISTRY_KEY] as Map<string, unknown>;
    expect([...registry.keys()]).toEqual(["keyed_mail"]);
    registry.delete("keyed_mail");
    expect(listProviders().map((provider) => provider.id)).toEqual([...ORDER]);
  });

  it("replaces a definition registered again under the same id", () => {
    registerProvider(fakeDefinition("postmark", { label: "First", env: [] }));
    registerProvider(fakeDefinition("postmark", { label: "Second", env: [] }));
    const postmark = listProviders().find((provider) => provider.id === "postmark");
    expect(postmark).toMatchObject({ label: "Second", registered: true });
    expect(listProviders()).toHaveLength(ORDER.length);
  });
});
