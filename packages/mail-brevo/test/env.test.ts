// MAIL_PROVIDER=brevo (or a blank MAIL_PROVIDER with BREVO_API_KEY set) sends through Brevo.
import { createMailer, createMailerFromEnv, MailError } from "@posse/mail-core";
import { findSecret } from "@posse/mail-core/testing";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import "../src/index.js";
import { brevoProvider } from "../src/provider.js";

const API = "https://api.brevo.com/v3";
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const env = { MAIL_FROM_ADDRESS: "App <app@example.com>", BREVO_API_KEY: "xkeysib-env-SECRET-77" };

describe("brevo from the environment", () => {
  it.each([
    ["explicit", { MAIL_PROVIDER: " Brevo " }],
    ["detected", { MAIL_PROVIDER: "" }],
  ])("sends when %s", async (_, extra) => {
    const keys: string[] = [];
    server.use(
      http.post(`${API}/smtp/email`, ({ request }) => {
        keys.push(request.headers.get("api-key") ?? "");
        return HttpResponse.json({ messageId: "<env-1@smtp-relay.mailin.fr>" }, { status: 201 });
      }),
    );
    const mailer = await createMailerFromEnv({ env: { ...env, ...extra } });
    expect(mailer.provider).toBe("brevo");
    await expect(mailer.send({ to: "a@example.com", subject: "s", text: "t" })).resolves.toEqual({
      provider: "brevo",
      messageId: "<env-1@smtp-relay.mailin.fr>",
    });
    expect(keys).toEqual(["xkeysib-env-SECRET-77"]);
  });

  it("names the missing key without printing any value", async () => {
    const error = await createMailerFromEnv({
      env: { MAIL_PROVIDER: "brevo", MAIL_FROM_ADDRESS: "app@example.com", BREVO_API_KEY: "  " },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "brevo" });
    expect(error.message).toContain("BREVO_API_KEY");
    expect(findSecret(error, ["app@example.com"])).toBeUndefined();
  });
});

describe("brevo config mistakes fail at creation, naming the property", () => {
  it.each([
    ["a misspelt endpoint", { endpont: "http://127.0.0.1:9" }, "endpont"],
    ["an endpoint that is not an absolute http(s) URL", { endpoint: "localhost:9" }, "endpoint"],
  ])("%s is a CONFIG error before any request", async (_, config, field) => {
    const error = await createMailerFromEnv({
      env: { ...env, MAIL_PROVIDER: "brevo" },
      // As from JavaScript: in TypeScript a misspelt property fails to compile (typed-config.test.ts).
      config: { brevo: config as object },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "brevo", field });
    expect(error.message).toContain(field);
    expect(findSecret(error, ["xkeysib-env-SECRET-77", "localhost:9"])).toBeUndefined();
  });

  it("a config without its required properties is a CONFIG error naming each", async () => {
    const error = await createMailer({
      from: "app@example.com",
      providers: { definition: brevoProvider, config: {} as never },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "brevo", field: "apiKey" });
    expect(error.message).toContain("apiKey is required");
  });
});
