// Selection by the environment, as an operator configures the example provider: MAIL_PROVIDER=sparkpost,
// detection from SPARKPOST_API_KEY after every first-party provider, and SPARKPOST_REGION checked.
import { createMailerFromEnv, resolveMailProvider } from "@posse/mail-core";
import { describe, expect, it } from "vitest";
import "../src/index.js";

const FROM = { MAIL_FROM_ADDRESS: "App <app@example.com>" };

describe("sparkpost from the environment", () => {
  it("is detected from SPARKPOST_API_KEY when MAIL_PROVIDER is blank", () => {
    expect(resolveMailProvider({ ...FROM, SPARKPOST_API_KEY: "k" })).toMatchObject({
      id: "sparkpost",
      reason: "detected",
      detectedFrom: ["SPARKPOST_API_KEY"],
      configured: true,
    });
  });

  it("is detected after the first-party providers, which come first when they can be loaded", () => {
    // Postmark's variables are set too: detection tries it first, and passes over it only because
    // @posse/mail-postmark cannot be loaded from here.
    const both = { ...FROM, SPARKPOST_API_KEY: "k", POSTMARK_API_TOKEN: "t" };
    expect(resolveMailProvider(both, { resolveFrom: [] })).toMatchObject({
      id: "sparkpost",
      reason: "detected",
      passedOver: [{ id: "postmark", reason: "not-installed" }],
    });
  });

  it("is chosen by MAIL_PROVIDER=sparkpost, and names a missing key, never a value", () => {
    expect(resolveMailProvider({ ...FROM, MAIL_PROVIDER: "sparkpost" })).toMatchObject({
      id: "sparkpost",
      reason: "explicit",
      configured: false,
      missing: ["SPARKPOST_API_KEY"],
    });
  });

  it("refuses a SPARKPOST_REGION other than us or eu", () => {
    const resolution = resolveMailProvider({
      ...FROM,
      MAIL_PROVIDER: "sparkpost",
      SPARKPOST_API_KEY: "k",
      SPARKPOST_REGION: "asia",
    });
    expect(resolution?.configured).toBe(false);
    expect(resolution?.problems.map((problem) => problem.variable)).toEqual(["SPARKPOST_REGION"]);
  });

  it("creates a mailer for the EU region from SPARKPOST_REGION=EU", async () => {
    const mailer = await createMailerFromEnv({
      env: { ...FROM, MAIL_PROVIDER: "sparkpost", SPARKPOST_API_KEY: "k", SPARKPOST_REGION: "EU" },
    });
    expect(mailer.provider).toBe("sparkpost");
    await mailer.close();
  });
});
