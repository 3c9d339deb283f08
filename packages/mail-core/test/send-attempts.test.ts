import { describe, expect, it } from "vitest";
import { createMailer } from "../src/index.js";
import { createFakeClock } from "../src/testing/index.js";
import { FROM, fail, message, scripted } from "./support/scripted-provider.js";

describe("send(message, { attempts })", () => {
  it("overrides retry.attempts for one send: 1 makes one request and rejects with the vendor's error", async () => {
    const provider = scripted("acme", [fail("UNAVAILABLE"), "ok"]);
    const clock = createFakeClock();
    const mailer = await createMailer({
      from: FROM,
      providers: provider.setup(),
      clock,
      retry: { attempts: 3 },
    });
    await expect(clock.settle(mailer.send(message, { attempts: 1 }))).rejects.toMatchObject({
      code: "UNAVAILABLE",
    });
    expect(provider.requests).toHaveLength(1);
    await expect(clock.settle(mailer.send(message))).resolves.toMatchObject({ messageId: "acme-2" });
  });

  it.each([0, 1.5, -1])("rejects attempts=%s with CONFIG before any request", async (attempts) => {
    const provider = scripted("acme");
    const mailer = await createMailer({ from: FROM, providers: provider.setup() });
    await expect(mailer.send(message, { attempts })).rejects.toMatchObject({ code: "CONFIG" });
    expect(provider.requests).toHaveLength(0);
  });
});
