// Importing this package types createMailerFromEnv's `config.sendgrid` as SendGrid's config: a misspelt
// property or provider id fails to compile (each @ts-expect-error below is checked by the typecheck), as it
// is refused at run time for JavaScript callers.
import { createMailerFromEnv, type MailProviderConfigs } from "@posse/mail-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type SendgridConfig, sendgridProvider } from "../src/index.js";

const env = {
  MAIL_PROVIDER: "sendgrid",
  MAIL_FROM_ADDRESS: "app@example.com",
  SENDGRID_API_KEY: "SG.typed",
};

describe("createMailerFromEnv's config for sendgrid", () => {
  it("is typed as SendGrid's config under its provider id", () => {
    expectTypeOf<MailProviderConfigs["sendgrid"]>().toEqualTypeOf<SendgridConfig>();
    expect(sendgridProvider.id).toBe("sendgrid");
  });

  it("takes a property of that config", async () => {
    const mailer = await createMailerFromEnv({
      env,
      config: { sendgrid: { endpoint: "https://sendgrid-proxy.example" } },
    });
    expect(mailer.provider).toBe("sendgrid");
    await mailer.close();
  });

  it("a misspelt property fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `endpont` is not a SendGrid config property
      config: { sendgrid: { endpont: "https://sendgrid-proxy.example" } },
    });
    await expect(mailer).rejects.toMatchObject({ code: "CONFIG", provider: "sendgrid", field: "endpont" });
  });

  it("a misspelt provider id fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `sendgrdi` is not a provider id
      config: { sendgrdi: { endpoint: "https://sendgrid-proxy.example" } },
    });
    await expect(mailer).rejects.toMatchObject({
      code: "CONFIG",
      message: expect.stringContaining('config names unknown provider "sendgrdi"'),
    });
  });
});
