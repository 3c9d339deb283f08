// Importing this package types createMailerFromEnv's `config.smtp` as SMTP's config: a misspelt
// property or provider id fails to compile (each @ts-expect-error below is checked by the typecheck), as it
// is refused at run time for JavaScript callers.
import { createMailerFromEnv, type MailProviderConfigs } from "@posse/mail-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type SmtpConfig, smtpProvider } from "../src/index.js";

const env = {
  MAIL_PROVIDER: "smtp",
  MAIL_FROM_ADDRESS: "app@example.com",
  SMTP_HOST: "smtp.example.com",
};

describe("createMailerFromEnv's config for smtp", () => {
  it("is typed as SMTP's config under its provider id", () => {
    expectTypeOf<MailProviderConfigs["smtp"]>().toEqualTypeOf<SmtpConfig>();
    expect(smtpProvider.id).toBe("smtp");
  });

  it("takes a property of that config", async () => {
    const mailer = await createMailerFromEnv({ env, config: { smtp: { maxConnections: 2 } } });
    expect(mailer.provider).toBe("smtp");
    await mailer.close();
  });

  it("a misspelt property fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `maxConnection` is not an SMTP config property
      config: { smtp: { maxConnection: 2 } },
    });
    await expect(mailer).rejects.toMatchObject({ code: "CONFIG", provider: "smtp", field: "maxConnection" });
  });

  it("a misspelt provider id fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `smpt` is not a provider id
      config: { smpt: { maxConnections: 2 } },
    });
    await expect(mailer).rejects.toMatchObject({
      code: "CONFIG",
      message: expect.stringContaining('config names unknown provider "smpt"'),
    });
  });
});
