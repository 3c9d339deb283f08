// MAIL_PROVIDER=mailjet (or a blank MAIL_PROVIDER with both Mailjet keys set) sends through Mailjet.
import { createMailer, createMailerFromEnv, MailError } from "@posse/mail-core";
import { findSecret } from "@posse/mail-core/testing";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import "../src/index.js";
import { mailjetProvider } from "../src/provider.js";

const API = "https://api.mailjet.com";
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const env = {
  MAIL_FROM_ADDRESS: "App <app@example.com>",
  MAILJET_API_KEY: "mj-env-public-77",
  MAILJET_API_SECRET: "mj-env-SECRET-77",
};
const basic = `Basic ${Buffer.from("mj-env-public-77:mj-env-SECRET-77").toString("base64")}`;

describe("mailjet from the environment", () => {
  it.each([
    ["explicit", { MAIL_PROVIDER: " MailJet " }],
    ["detected", { MAIL_PROVIDER: "" }],
  ])("sends when %s", async (_, extra) => {
    const keys: string[] = [];
    server.use(
      http.post(`${API}/v3.1/send`, ({ request }) => {
        keys.push(request.headers.get("authorization") ?? "");
        return HttpResponse.json({
          Messages: [{ Status: "success", To: [{ Email: "a@example.com", MessageID: 42 }] }],
        });
      }),
    );
    const mailer = await createMailerFromEnv({ env: { ...env, ...extra } });
    expect(mailer.provider).toBe("mailjet");
    await expect(mailer.send({ to: "a@example.com", subject: "s", text: "t" })).resolves.toEqual({
      provider: "mailjet",
      messageId: "42",
    });
    expect(keys).toEqual([basic]);
  });

  it("names the missing secret without printing any value", async () => {
    const error = await createMailerFromEnv({
      env: {
        MAIL_PROVIDER: "mailjet",
        MAIL_FROM_ADDRESS: "app@example.com",
        MAILJET_API_KEY: "mj-env-public-77",
        MAILJET_API_SECRET: "  ",
      },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "mailjet" });
    expect(error.message).toContain("MAILJET_API_SECRET");
    expect(findSecret(error, ["app@example.com", "mj-env-public-77"])).toBeUndefined();
  });
});

describe("mailjet config mistakes fail at creation, naming the property", () => {
  it.each([
    ["a misspelt endpoint", { endpont: "http://127.0.0.1:9" }, "endpont"],
    ["an endpoint that is not an absolute http(s) URL", { endpoint: "localhost:9" }, "endpoint"],
  ])("%s is a CONFIG error before any request", async (_, config, field) => {
    const error = await createMailerFromEnv({
      env: { ...env, MAIL_PROVIDER: "mailjet" },
      // As from JavaScript: in TypeScript a misspelt property fails to compile (typed-config.test.ts).
      config: { mailjet: config as object },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "mailjet", field });
    expect(error.message).toContain(field);
    expect(findSecret(error, ["mj-env-public-77", "mj-env-SECRET-77", "localhost:9"])).toBeUndefined();
  });

  it("a config without its required properties is a CONFIG error naming each", async () => {
    const error = await createMailer({
      from: "app@example.com",
      providers: { definition: mailjetProvider, config: {} as never },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "mailjet", field: "apiKey" });
    expect(error.message).toContain("apiKey is required");
    expect(error.message).toContain("apiSecret is required");
  });
});
