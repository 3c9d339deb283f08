// Importing this package types createMailerFromEnv's `config.sparkpost` as SparkPost's config (a third-party provider joins the same way): a misspelt
// property or provider id fails to compile (each @ts-expect-error below is checked by the typecheck), as it
// is refused at run time for JavaScript callers.
import { createMailerFromEnv, type MailProviderConfigs } from "@posse/mail-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type SparkpostConfig, sparkpostProvider } from "../src/index.js";

const env = {
  MAIL_PROVIDER: "sparkpost",
  MAIL_FROM_ADDRESS: "app@example.com",
  SPARKPOST_API_KEY: "sp-typed",
};

describe("createMailerFromEnv's config for sparkpost", () => {
  it("is typed as SparkPost's config under its provider id", () => {
    expectTypeOf<MailProviderConfigs["sparkpost"]>().toEqualTypeOf<SparkpostConfig>();
    expect(sparkpostProvider.id).toBe("sparkpost");
  });

  it("takes a property of that config", async () => {
    const mailer = await createMailerFromEnv({
      env,
      config: { sparkpost: { endpoint: "https://sparkpost-proxy.example/api/v1" } },
    });
    expect(mailer.provider).toBe("sparkpost");
    await mailer.close();
  });

  it("a misspelt property fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `endpont` is not a SparkPost config property
      config: { sparkpost: { endpont: "https://sparkpost-proxy.example/api/v1" } },
    });
    await expect(mailer).rejects.toMatchObject({ code: "CONFIG", provider: "sparkpost", field: "endpont" });
  });

  it("a misspelt provider id fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `sparkpots` is not a provider id
      config: { sparkpots: { endpoint: "https://sparkpost-proxy.example/api/v1" } },
    });
    await expect(mailer).rejects.toMatchObject({
      code: "CONFIG",
      message: expect.stringContaining('config names unknown provider "sparkpots"'),
    });
  });
});
