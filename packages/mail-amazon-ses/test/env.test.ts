// MAIL_PROVIDER=amazon_ses (or a blank MAIL_PROVIDER with AWS_SES_REGION and both keys set) sends through SES.
import { createMailer, createMailerFromEnv, MailError } from "@posse/mail-core";
import { findSecret } from "@posse/mail-core/testing";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import "../src/index.js";
import { amazonSesProvider } from "../src/provider.js";

const SEND = "https://email.eu-central-1.amazonaws.com/v2/email/outbound-emails";
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const env = {
  MAIL_FROM_ADDRESS: "App <app@example.com>",
  AWS_SES_REGION: "eu-central-1",
  AWS_SES_ACCESS_KEY_ID: "AKIAENVEXAMPLE000001",
  AWS_SES_SECRET_ACCESS_KEY: "env/SECRET+access/key77",
};

function captureSend() {
  const seen: { authorization: string; token: string | null }[] = [];
  server.use(
    http.post(SEND, ({ request }) => {
      seen.push({
        authorization: request.headers.get("authorization") ?? "",
        token: request.headers.get("x-amz-security-token"),
      });
      return HttpResponse.json({ MessageId: "env-1" });
    }),
  );
  return seen;
}

describe("amazon_ses from the environment", () => {
  it.each([
    ["explicit", { MAIL_PROVIDER: " Amazon_SES " }],
    ["detected", { MAIL_PROVIDER: "" }],
  ])("sends when %s", async (_, extra) => {
    const seen = captureSend();
    const mailer = await createMailerFromEnv({ env: { ...env, ...extra } });
    expect(mailer.provider).toBe("amazon_ses");
    await expect(mailer.send({ to: "a@example.com", subject: "s", text: "t" })).resolves.toEqual({
      provider: "amazon_ses",
      messageId: "env-1",
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAENVEXAMPLE000001\/\d{8}\/eu-central-1\/ses\/aws4_request, /,
    );
    expect(seen[0]!.token).toBeNull();
  });

  it("sends AWS_SES_SESSION_TOKEN and applies code-only config", async () => {
    const seen: string[] = [];
    server.use(
      http.post("https://ses.internal.example/v2/email/outbound-emails", ({ request }) => {
        seen.push(request.headers.get("x-amz-security-token") ?? "");
        return HttpResponse.json({ MessageId: "env-2" });
      }),
    );
    const mailer = await createMailerFromEnv({
      env: { ...env, MAIL_PROVIDER: "amazon_ses", AWS_SES_SESSION_TOKEN: "env-SESSION-token-99" },
      config: { amazon_ses: { endpoint: "https://ses.internal.example" } },
    });
    await mailer.send({ to: "a@example.com", subject: "s", text: "t" });
    expect(seen).toEqual(["env-SESSION-token-99"]);
  });

  it("names the missing region without printing any value", async () => {
    const error = await createMailerFromEnv({
      env: { ...env, MAIL_PROVIDER: "amazon_ses", AWS_SES_REGION: "  " },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "amazon_ses" });
    expect(error.message).toContain("AWS_SES_REGION");
    expect(
      findSecret(error, ["app@example.com", env.AWS_SES_ACCESS_KEY_ID, env.AWS_SES_SECRET_ACCESS_KEY]),
    ).toBeUndefined();
  });

  it.each([
    ["AWS_SES_SECRET_ACCESS_KEY", { AWS_SES_SECRET_ACCESS_KEY: "" }],
    ["AWS_SES_ACCESS_KEY_ID", { AWS_SES_ACCESS_KEY_ID: "" }],
  ])("names both keys when %s is blank, without printing any value", async (_, blank) => {
    const error = await createMailerFromEnv({
      env: { ...env, MAIL_PROVIDER: "amazon_ses", AWS_SES_SESSION_TOKEN: "env-SESSION-token-99", ...blank },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "amazon_ses" });
    expect(error.message).toContain("AWS_SES_ACCESS_KEY_ID");
    expect(error.message).toContain("AWS_SES_SECRET_ACCESS_KEY");
    expect(
      findSecret(error, [env.AWS_SES_ACCESS_KEY_ID, env.AWS_SES_SECRET_ACCESS_KEY, "env-SESSION-token-99"]),
    ).toBeUndefined();
  });
});

describe("amazon_ses config mistakes fail at creation, naming the property", () => {
  it.each([
    ["a misspelt endpoint", { endpont: "http://127.0.0.1:9" }, "endpont"],
    ["an endpoint that is not an absolute http(s) URL", { endpoint: "localhost:9" }, "endpoint"],
  ])("%s is a CONFIG error before any request", async (_, config, field) => {
    const error = await createMailerFromEnv({
      env: { ...env, MAIL_PROVIDER: "amazon_ses" },
      // As from JavaScript: in TypeScript a misspelt property fails to compile (typed-config.test.ts).
      config: { amazon_ses: config as object },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "amazon_ses", field });
    expect(error.message).toContain(field);
    expect(
      findSecret(error, ["eu-central-1", "AKIAENVEXAMPLE000001", "env/SECRET+access/key77", "localhost:9"]),
    ).toBeUndefined();
  });

  it("a config without its required properties is a CONFIG error naming each", async () => {
    const error = await createMailer({
      from: "app@example.com",
      providers: { definition: amazonSesProvider, config: {} as never },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "CONFIG", provider: "amazon_ses", field: "region" });
    expect(error.message).toContain("region is required");
  });
});
