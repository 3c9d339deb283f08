// Importing this package types createMailerFromEnv's `config.resend` as Resend's config: a misspelt
// property or provider id fails to compile (each @ts-expect-error below is checked by the typecheck), as it
// is refused at run time for JavaScript callers.
import { createMailerFromEnv, type MailProviderConfigs } from "@posse/mail-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type ResendConfig, resendProvider } from "../src/index.js";

const env = {
  MAIL_PROVIDER: "resend",
  MAIL_FROM_ADDRESS: "app@example.com",
  RESEND_API_KEY: "re_typed",
};

describe("createMailerFromEnv's config for resend", () => {
  it("is typed as Resend's config under its provider id", () => {
    expectTypeOf<MailProviderConfigs["resend"]>().toEqualTypeOf<ResendConfig>();
    expect(resendProvider.id).toBe("resend");
  });

  it("takes a property of that config", async () => {
    const mailer = await createMailerFromEnv({
      env,
      config: { resend: { endpoint: "https://resend-proxy.example" } },
    });
    expect(mailer.provider).toBe("resend");
    await mailer.close();
  });

  it("a misspelt property fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `endpont` is not a Resend config property
      config: { resend: { endpont: "https://resend-proxy.example" } },
    });
    await expect(mailer).rejects.toMatchObject({ code: "CONFIG", provider: "resend", field: "endpont" });
  });

  it("a misspelt provider id fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `resedn` is not a provider id
      config: { resedn: { endpoint: "https://resend-proxy.example" } },
    });
    await expect(mailer).rejects.toMatchObject({
      code: "CONFIG",
      message: expect.stringContaining('config names unknown provider "resedn"'),
    });
  });
});
