// MAIL_PROVIDER=sendgrid (or a blank MAIL_PROVIDER with SENDGRID_API_KEY set) sends through SendGrid.
import { createMailerFromEnv, MailError } from "@posse/mail-core";
import { findSecret } from "@posse/mail-core/testing";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import "../src/index.js";

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
    expect(error).toMatchObject({ code: "CONFIG" });
    expect(error.message).toContain("SENDGRID_API_KEY");
    expect(findSecret(error, ["app@example.com"])).toBeUndefined();
  });
});
