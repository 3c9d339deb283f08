// Importing this package types createMailerFromEnv's `config.amazon_ses` as Amazon SES's config: a misspelt
// property or provider id fails to compile (each @ts-expect-error below is checked by the typecheck), as it
// is refused at run time for JavaScript callers.
import { createMailerFromEnv, type MailProviderConfigs } from "@posse/mail-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type AmazonSesConfig, amazonSesProvider } from "../src/index.js";

const env = {
  MAIL_PROVIDER: "amazon_ses",
  MAIL_FROM_ADDRESS: "app@example.com",
  AWS_SES_REGION: "eu-west-1",
  AWS_SES_ACCESS_KEY_ID: "AKIATYPED",
  AWS_SES_SECRET_ACCESS_KEY: "typed-secret",
};

describe("createMailerFromEnv's config for amazon_ses", () => {
  it("is typed as Amazon SES's config under its provider id", () => {
    expectTypeOf<MailProviderConfigs["amazon_ses"]>().toEqualTypeOf<AmazonSesConfig>();
    expect(amazonSesProvider.id).toBe("amazon_ses");
  });

  it("takes a property of that config", async () => {
    const mailer = await createMailerFromEnv({
      env,
      config: { amazon_ses: { configurationSetName: "transactional" } },
    });
    expect(mailer.provider).toBe("amazon_ses");
    await mailer.close();
  });

  it("a misspelt property fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `endpont` is not a Amazon SES config property
      config: { amazon_ses: { endpont: "https://ses-proxy.example" } },
    });
    await expect(mailer).rejects.toMatchObject({ code: "CONFIG", provider: "amazon_ses", field: "endpont" });
  });

  it("a misspelt provider id fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `amazon_sse` is not a provider id
      config: { amazon_sse: { configurationSetName: "transactional" } },
    });
    await expect(mailer).rejects.toMatchObject({
      code: "CONFIG",
      message: expect.stringContaining('config names unknown provider "amazon_sse"'),
    });
  });
});
