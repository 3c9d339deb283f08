// MAIL_PROVIDER=postmark (or a blank MAIL_PROVIDER with POSTMARK_API_TOKEN set) sends through Postmark.
import { createMailer, createMailerFromEnv, MailError } from "@posse/mail-core";
import { findSecret } from "@posse/mail-core/testing";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import "../src/index.js";
import { postmarkProvider } from "../src/provider.js";

const API = "https://api.postmarkapp.com";
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const env = { MAIL_FROM_ADDRESS: "App <app@example.com>", POSTMARK_API_TOKEN: "pm-env-SECRET-77" };

describe("postmark from the environment", () => {
  it.each([
    ["explicit", { MAIL_PROVIDER: " PostMark " }],
    ["detected", { MAIL_PROVIDER: "" }],
  ])("sends when %s", async (_, extra) => {
    const tokens: string[] = [];
    server.use(
      http.post(`${API}/email`, ({ request }) => {
        tokens.push(request.headers.get("x-postmark-server-token") ?? "");
        return HttpResponse.json({ To: "a@example.com", MessageID: "env-1", ErrorCode: 0, Message: "OK" });
      }),
    );
    const mailer = await createMailerFromEnv({ env: { ...env, ...extra } });
    expect(mailer.provider).toBe("postmark");
    await expect(mailer.send({ to: "a@example.com", subject: "s", text: "t" })).resolves.toEqual({
      provider: "postmark",
      messageId: "env-1",
    });
    expect(tokens).toEqual(["pm-env-SECRET-77"]);
  });

  it("names the missing token without printing any value", async () => {
    const error = await createMailerFromEnv({
      env: { MAIL_PROVIDER: "postmark", MAIL_FROM_ADDRESS: "app@example.com", POSTMARK_API_TOKEN: "  " },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "postmark" });
    expect(error.message).toContain("POSTMARK_API_TOKEN");
    expect(findSecret(error, ["app@example.com"])).toBeUndefined();
  });
});

describe("postmark config mistakes fail at creation, naming the property", () => {
  it.each([
    ["a misspelt endpoint", { endpont: "http://127.0.0.1:9" }, "endpont"],
    ["an endpoint that is not an absolute http(s) URL", { endpoint: "localhost:9" }, "endpoint"],
  ])("%s is a CONFIG error before any request", async (_, config, field) => {
    const error = await createMailerFromEnv({
      env: { ...env, MAIL_PROVIDER: "postmark" },
      // As from JavaScript: in TypeScript a misspelt property fails to compile (typed-config.test.ts).
      config: { postmark: config as object },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "postmark", field });
    expect(error.message).toContain(field);
    expect(findSecret(error, ["pm-env-SECRET-77", "localhost:9"])).toBeUndefined();
  });

  it("a config without its required properties is a CONFIG error naming each", async () => {
    const error = await createMailer({
      from: "app@example.com",
      providers: { definition: postmarkProvider, config: {} as never },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "postmark", field: "serverToken" });
    expect(error.message).toContain("serverToken is required");
  });
});
