// MAIL_PROVIDER=sendgrid (or a blank MAIL_PROVIDER with SENDGRID_API_KEY set) sends through SendGrid.
import { createMailer, createMailerFromEnv, MailError } from "@posse/mail-core";
import { findSecret } from "@posse/mail-core/testing";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import "../src/index.js";
import { sendgridProvider } from "../src/provider.js";

const API = "https://api.sendgrid.com";
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const env = { MAIL_FROM_ADDRESS: "App <app@example.com>", SENDGRID_API_KEY: "SG.env_SECRET_77" };

describe("sendgrid from the environment", () => {
  it.each([
    ["explicit", { MAIL_PROVIDER: " SendGrid " }],
    ["detected", { MAIL_PROVIDER: "" }],
  ])("sends when %s", async (_, extra) => {
    const keys: string[] = [];
    server.use(
      http.post(`${API}/v3/mail/send`, ({ request }) => {
        keys.push(request.headers.get("authorization") ?? "");
        return new HttpResponse(null, { status: 202, headers: { "X-Message-Id": "env-1" } });
      }),
    );
    const mailer = await createMailerFromEnv({ env: { ...env, ...extra } });
    expect(mailer.provider).toBe("sendgrid");
    await expect(mailer.send({ to: "a@example.com", subject: "s", text: "t" })).resolves.toEqual({
      provider: "sendgrid",
      messageId: "env-1",
    });
    expect(keys).toEqual(["Bearer SG.env_SECRET_77"]);
  });

  it("names the missing key without printing any value", async () => {
    const error = await createMailerFromEnv({
      env: { MAIL_PROVIDER: "sendgrid", MAIL_FROM_ADDRESS: "app@example.com", SENDGRID_API_KEY: "  " },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "sendgrid" });
    expect(error.message).toContain("SENDGRID_API_KEY");
    expect(findSecret(error, ["app@example.com"])).toBeUndefined();
  });
});

describe("sendgrid config mistakes fail at creation, naming the property", () => {
  it.each([
    ["a misspelt endpoint", { endpont: "http://127.0.0.1:9" }, "endpont"],
    ["an endpoint that is not an absolute http(s) URL", { endpoint: "localhost:9" }, "endpoint"],
  ])("%s is a CONFIG error before any request", async (_, config, field) => {
    const error = await createMailerFromEnv({
      env: { ...env, MAIL_PROVIDER: "sendgrid" },
      // As from JavaScript: in TypeScript a misspelt property fails to compile (typed-config.test.ts).
      config: { sendgrid: config as object },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "sendgrid", field });
    expect(error.message).toContain(field);
    expect(findSecret(error, ["SG.env_SECRET_77", "localhost:9"])).toBeUndefined();
  });

  it("a config without its required properties is a CONFIG error naming each", async () => {
    const error = await createMailer({
      from: "app@example.com",
      providers: { definition: sendgridProvider, config: {} as never },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "sendgrid", field: "apiKey" });
    expect(error.message).toContain("apiKey is required");
  });
});
