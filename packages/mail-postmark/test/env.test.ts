// MAIL_PROVIDER=postmark (or a blank MAIL_PROVIDER with POSTMARK_API_TOKEN set) sends through Postmark.
import { createMailerFromEnv, MailError } from "@posse/mail-core";
import { findSecret } from "@posse/mail-core/testing";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import "../src/index.js";

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
    expect(error).toMatchObject({ code: "CONFIG" });
    expect(error.message).toContain("POSTMARK_API_TOKEN");
    expect(findSecret(error, ["app@example.com"])).toBeUndefined();
  });
});
