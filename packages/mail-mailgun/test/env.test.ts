// MAIL_PROVIDER=mailgun (or a blank MAIL_PROVIDER with the MAILGUN_* variables set) sends through Mailgun.
import { createMailer, createMailerFromEnv, MailError } from "@posse/mail-core";
import { findSecret } from "@posse/mail-core/testing";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import "../src/index.js";
import { mailgunProvider } from "../src/provider.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const env = {
  MAIL_FROM_ADDRESS: "App <app@example.com>",
  MAILGUN_API_KEY: "key-env-SECRET-77",
  MAILGUN_DOMAIN: "mg.example.com",
};
const basic = `Basic ${Buffer.from("api:key-env-SECRET-77").toString("base64")}`;

function answer(base: string, keys: string[]) {
  server.use(
    http.post(`${base}/v3/mg.example.com/messages`, ({ request }) => {
      keys.push(request.headers.get("authorization") ?? "");
      return HttpResponse.json({ id: "<env-1@mg.example.com>", message: "Queued. Thank you." });
    }),
  );
}

describe("mailgun from the environment", () => {
  it.each([
    ["explicit", { MAIL_PROVIDER: " MailGun " }],
    ["detected", { MAIL_PROVIDER: "" }],
  ])("sends when %s", async (_, extra) => {
    const keys: string[] = [];
    answer("https://api.mailgun.net", keys);
    const mailer = await createMailerFromEnv({ env: { ...env, ...extra } });
    expect(mailer.provider).toBe("mailgun");
    await expect(mailer.send({ to: "a@example.com", subject: "s", text: "t" })).resolves.toEqual({
      provider: "mailgun",
      messageId: "<env-1@mg.example.com>",
    });
    expect(keys).toEqual([basic]);
  });

  it("sends to the EU API when MAILGUN_REGION is eu", async () => {
    const keys: string[] = [];
    answer("https://api.eu.mailgun.net", keys);
    const mailer = await createMailerFromEnv({ env: { ...env, MAILGUN_REGION: "EU" } });
    await mailer.send({ to: "a@example.com", subject: "s", text: "t" });
    expect(keys).toEqual([basic]);
  });

  it("takes a code-only endpoint over the region's host", async () => {
    const keys: string[] = [];
    answer("https://mailgun-proxy.example", keys);
    const mailer = await createMailerFromEnv({
      env: { ...env, MAILGUN_REGION: "eu" },
      config: { mailgun: { endpoint: "https://mailgun-proxy.example" } },
    });
    await mailer.send({ to: "a@example.com", subject: "s", text: "t" });
    expect(keys).toEqual([basic]);
  });

  it.each([
    ["MAILGUN_API_KEY", { MAILGUN_API_KEY: "  " }],
    ["MAILGUN_DOMAIN", { MAILGUN_DOMAIN: "" }],
    ["MAILGUN_REGION", { MAILGUN_REGION: "asia" }],
    ["MAILGUN_DOMAIN", { MAILGUN_DOMAIN: "https://mg.example.com/" }],
  ])("names %s in a CONFIG error without printing any value", async (name, extra) => {
    const error = await createMailerFromEnv({
      env: { ...env, MAIL_PROVIDER: "mailgun", MAIL_FROM_ADDRESS: "app@example.com", ...extra },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "mailgun" });
    expect(error.message).toContain(name);
    expect(
      findSecret(error, ["app@example.com", "key-env-SECRET-77", "mg.example.com", "asia"]),
    ).toBeUndefined();
  });
});

describe("mailgun config mistakes fail at creation, naming the property", () => {
  it.each([
    ["a misspelt endpoint", { endpont: "http://127.0.0.1:9" }, "endpont"],
    ["an endpoint that is not an absolute http(s) URL", { endpoint: "localhost:9" }, "endpoint"],
  ])("%s is a CONFIG error before any request", async (_, config, field) => {
    const error = await createMailerFromEnv({
      env: { ...env, MAIL_PROVIDER: "mailgun" },
      // As from JavaScript: in TypeScript a misspelt property fails to compile (typed-config.test.ts).
      config: { mailgun: config as object },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "mailgun", field });
    expect(error.message).toContain(field);
    expect(findSecret(error, ["key-env-SECRET-77", "mg.example.com", "localhost:9"])).toBeUndefined();
  });

  it("a config without its required properties is a CONFIG error naming each", async () => {
    const error = await createMailer({
      from: "app@example.com",
      providers: { definition: mailgunProvider, config: {} as never },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "mailgun", field: "apiKey" });
    expect(error.message).toContain("apiKey is required");
    expect(error.message).toContain("domain is required");
  });
});
