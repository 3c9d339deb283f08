// Importing this package types createMailerFromEnv's `config.mailjet` as Mailjet's config: a misspelt
// property or provider id fails to compile (each @ts-expect-error below is checked by the typecheck), as it
// is refused at run time for JavaScript callers.
import { createMailerFromEnv, type MailProviderConfigs } from "@posse/mail-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type MailjetConfig, mailjetProvider } from "../src/index.js";

const env = {
  MAIL_PROVIDER: "mailjet",
  MAIL_FROM_ADDRESS: "app@example.com",
  MAILJET_API_KEY: "mj-typed",
  MAILJET_API_SECRET: "mj-typed-secret",
};

describe("createMailerFromEnv's config for mailjet", () => {
  it("is typed as Mailjet's config under its provider id", () => {
    expectTypeOf<MailProviderConfigs["mailjet"]>().toEqualTypeOf<MailjetConfig>();
    expect(mailjetProvider.id).toBe("mailjet");
  });

  it("takes a property of that config", async () => {
    const mailer = await createMailerFromEnv({
      env,
      config: { mailjet: { endpoint: "https://mailjet-proxy.example" } },
    });
    expect(mailer.provider).toBe("mailjet");
    await mailer.close();
  });

  it("a misspelt property fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `endpont` is not a Mailjet config property
      config: { mailjet: { endpont: "https://mailjet-proxy.example" } },
    });
    await expect(mailer).rejects.toMatchObject({ code: "CONFIG", provider: "mailjet", field: "endpont" });
  });

  it("a misspelt provider id fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `mailjte` is not a provider id
      config: { mailjte: { endpoint: "https://mailjet-proxy.example" } },
    });
    await expect(mailer).rejects.toMatchObject({
      code: "CONFIG",
      message: expect.stringContaining('config names unknown provider "mailjte"'),
    });
  });
});
