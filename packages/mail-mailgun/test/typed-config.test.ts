// Importing this package types createMailerFromEnv's `config.mailgun` as Mailgun's config: a misspelt
// property or provider id fails to compile (each @ts-expect-error below is checked by the typecheck), as it
// is refused at run time for JavaScript callers.
import { createMailerFromEnv, type MailProviderConfigs } from "@posse/mail-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type MailgunConfig, mailgunProvider } from "../src/index.js";

const env = {
  MAIL_PROVIDER: "mailgun",
  MAIL_FROM_ADDRESS: "app@example.com",
  MAILGUN_API_KEY: "key-typed",
  MAILGUN_DOMAIN: "mg.example.com",
};

describe("createMailerFromEnv's config for mailgun", () => {
  it("is typed as Mailgun's config under its provider id", () => {
    expectTypeOf<MailProviderConfigs["mailgun"]>().toEqualTypeOf<MailgunConfig>();
    expect(mailgunProvider.id).toBe("mailgun");
  });

  it("takes a property of that config", async () => {
    const mailer = await createMailerFromEnv({
      env,
      config: { mailgun: { endpoint: "https://mailgun-proxy.example" } },
    });
    expect(mailer.provider).toBe("mailgun");
    await mailer.close();
  });

  it("a misspelt property fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `endpont` is not a Mailgun config property
      config: { mailgun: { endpont: "https://mailgun-proxy.example" } },
    });
    await expect(mailer).rejects.toMatchObject({ code: "CONFIG", provider: "mailgun", field: "endpont" });
  });

  it("a misspelt provider id fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `mailgnu` is not a provider id
      config: { mailgnu: { endpoint: "https://mailgun-proxy.example" } },
    });
    await expect(mailer).rejects.toMatchObject({
      code: "CONFIG",
      message: expect.stringContaining('config names unknown provider "mailgnu"'),
    });
  });
});
