// Importing this package types createMailerFromEnv's `config.postmark` as Postmark's config: a misspelt
// property or provider id fails to compile (each @ts-expect-error below is checked by the typecheck), as it
// is refused at run time for JavaScript callers.
import { createMailerFromEnv, type MailProviderConfigs } from "@posse/mail-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type PostmarkConfig, postmarkProvider } from "../src/index.js";

const env = {
  MAIL_PROVIDER: "postmark",
  MAIL_FROM_ADDRESS: "app@example.com",
  POSTMARK_API_TOKEN: "pm-typed",
};

describe("createMailerFromEnv's config for postmark", () => {
  it("is typed as Postmark's config under its provider id", () => {
    expectTypeOf<MailProviderConfigs["postmark"]>().toEqualTypeOf<PostmarkConfig>();
    expect(postmarkProvider.id).toBe("postmark");
  });

  it("takes a property of that config", async () => {
    const mailer = await createMailerFromEnv({
      env,
      config: { postmark: { endpoint: "https://postmark-proxy.example" } },
    });
    expect(mailer.provider).toBe("postmark");
    await mailer.close();
  });

  it("a misspelt property fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `endpont` is not a Postmark config property
      config: { postmark: { endpont: "https://postmark-proxy.example" } },
    });
    await expect(mailer).rejects.toMatchObject({ code: "CONFIG", provider: "postmark", field: "endpont" });
  });

  it("a misspelt provider id fails to compile, and is a CONFIG error naming it", async () => {
    const mailer = createMailerFromEnv({
      env,
      // @ts-expect-error: `postmrak` is not a provider id
      config: { postmrak: { endpoint: "https://postmark-proxy.example" } },
    });
    await expect(mailer).rejects.toMatchObject({
      code: "CONFIG",
      message: expect.stringContaining('config names unknown provider "postmrak"'),
    });
  });
});
