// Importing this package types createMailerFromEnv's `config.brevo` as Brevo's config: a misspelt
// property or provider id fails to compile (each @ts-expect-error below is checked by the typecheck), as it
// is refused at run time for JavaScript callers.
import { createMailerFromEnv, type MailProviderConfigs } from "@posse/mail-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type BrevoConfig, brevoProvider } from "../src/index.js";

const env = {
  MAIL_PROVIDER: "brevo",
  MAIL_FROM_ADDRESS: "app@example.com",
  BREVO_API_KEY: "xkeysib-typed",
};

describe("createMailerFromEnv's config for brevo", () => {
  it("is typed as Brevo's config under its provider id", () => {
    expectTypeOf<MailProviderConfigs["brevo"]>().toEqualTypeOf<BrevoConfig>();
    expect(brevoProvider.id).toBe("brevo");
  });

  it("takes a property of that config", async () => {
    const mailer = await createMailerFromEnv({
      env,
      config: { brevo: { endpoint: "https://brevo-proxy.example/v3" } },
    });
    expect(mailer.provider).toBe("brevo");
    await mailer.close();
  });

  it("a misspelt property fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `endpont` is not a Brevo config property
      config: { brevo: { endpont: "https://brevo-proxy.example/v3" } },
    });
    await expect(mailer).rejects.toMatchObject({ code: "CONFIG", provider: "brevo", field: "endpont" });
  });

  it("a misspelt provider id fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `breov` is not a provider id
      config: { breov: { endpoint: "https://brevo-proxy.example/v3" } },
    });
    await expect(mailer).rejects.toMatchObject({
      code: "CONFIG",
      message: expect.stringContaining('config names unknown provider "breov"'),
    });
  });
});
