import { describe, expect, it } from "vitest";
import { createMailerFromEnv, MailError, registerProvider } from "../src/index.js";
import { memoryProvider } from "../src/testing/index.js";

describe("smoke", () => {
  it("sends through a registered provider", async () => {
    registerProvider(memoryProvider("smoketest"));
    const mailer = await createMailerFromEnv({
      env: { MAIL_PROVIDER: "smoketest", MAIL_FROM_ADDRESS: "App <app@example.com>" },
    });
    const receipt = await mailer.send({ to: "a@example.com", subject: "Hi", text: "x" });
    expect(receipt).toEqual({ provider: "smoketest", messageId: "smoketest-1" });
    await expect(createMailerFromEnv({ env: { MAIL_FROM_ADDRESS: "a@example.com" } })).rejects.toBeInstanceOf(
      MailError,
    );
  });
});
