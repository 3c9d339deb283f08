// MAIL_PROVIDER=resend (or a blank MAIL_PROVIDER with RESEND_API_KEY set) sends through Resend.
import { createMailer, createMailerFromEnv, MailError } from "@posse/mail-core";
import { findSecret } from "@posse/mail-core/testing";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import "../src/index.js";
import { resendProvider } from "../src/provider.js";

const API = "https://api.resend.com";
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const env = { MAIL_FROM_ADDRESS: "App <app@example.com>", RESEND_API_KEY: "re_env_SECRET_77" };
const config = {};

describe("resend from the environment", () => {
  it.each([
    ["explicit", { MAIL_PROVIDER: " Resend " }],
    ["detected", { MAIL_PROVIDER: "" }],
  ])("sends when %s", async (_, extra) => {
    const keys: string[] = [];
    server.use(
      http.post(`${API}/emails`, ({ request }) => {
        keys.push(request.headers.get("authorization") ?? "");
        return HttpResponse.json({ id: "env-1" });
      }),
    );
    const mailer = await createMailerFromEnv({ env: { ...env, ...extra }, config });
    expect(mailer.provider).toBe("resend");
    await expect(mailer.send({ to: "a@example.com", subject: "s", text: "t" })).resolves.toEqual({
      provider: "resend",
      messageId: "env-1",
    });
    expect(keys).toEqual(["Bearer re_env_SECRET_77"]);
  });

  it("names the missing key without printing any value", async () => {
    const error = await createMailerFromEnv({
      env: { MAIL_PROVIDER: "resend", MAIL_FROM_ADDRESS: "app@example.com", RESEND_API_KEY: "  " },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "resend" });
    expect(error.message).toContain("RESEND_API_KEY");
    expect(findSecret(error, ["app@example.com"])).toBeUndefined();
  });
});

describe("resend config mistakes fail at creation, naming the property", () => {
  it.each([
    ["a misspelt endpoint", { endpont: "http://127.0.0.1:9" }, "endpont"],
    ["an endpoint that is not an absolute http(s) URL", { endpoint: "localhost:9" }, "endpoint"],
  ])("%s is a CONFIG error before any request", async (_, config, field) => {
    const error = await createMailerFromEnv({
      env: { ...env, MAIL_PROVIDER: "resend" },
      // As from JavaScript: in TypeScript a misspelt property fails to compile (typed-config.test.ts).
      config: { resend: config as object },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "resend", field });
    expect(error.message).toContain(field);
    expect(findSecret(error, ["re_env_SECRET_77", "localhost:9"])).toBeUndefined();
  });

  it("a config without its required properties is a CONFIG error naming each", async () => {
    const error = await createMailer({
      from: "app@example.com",
      providers: { definition: resendProvider, config: {} as never },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "resend", field: "apiKey" });
    expect(error.message).toContain("apiKey is required");
  });
});
