// A receipt always carries a non-empty messageId. A transport that resolves without one (a 2xx that was not
// the vendor's success: a captive portal, a wrong URL) fails the send with UNKNOWN, outcome unknown: it is
// never reported as sent, and never sent again (retry or failover) without an idempotency key.
import { describe, expect, it } from "vitest";
import { createMailer, type SendErrorEvent } from "../src/index.js";
import type { SendResult } from "../src/provider.js";
import { createFakeClock } from "../src/testing/index.js";
import { FROM, keyed, message, rejectionOf, type Scripted, scripted } from "./support/scripted-provider.js";

const answers: [string, SendResult | undefined][] = [
  ["an empty messageId", { messageId: "" }],
  ["a blank messageId", { messageId: "  " }],
  ["no messageId", {} as SendResult],
  ["messageId undefined", { messageId: undefined } as never],
  ["a numeric messageId", { messageId: 42 } as never],
  ["nothing at all", undefined],
];

async function mailerOver(providers: Scripted[]) {
  const clock = createFakeClock();
  const errors: SendErrorEvent[] = [];
  const sent: unknown[] = [];
  const mailer = await createMailer({
    from: FROM,
    providers: providers.map((provider) => provider.setup()),
    clock,
    random: () => 0.5,
    retry: { attempts: 3 },
    hooks: { onError: (event) => errors.push(event), onSent: (event) => sent.push(event) },
  });
  return { clock, mailer, errors, sent };
}

describe("a transport that resolves without a message id", () => {
  it.each(answers)("%s: the send fails with UNKNOWN, outcome unknown, not retried", async (_name, answer) => {
    const a = scripted("a", [async () => answer as SendResult]);
    const { clock, mailer, errors, sent } = await mailerOver([a]);
    const error = await rejectionOf(clock.settle(mailer.send(message)));
    expect(error).toMatchObject({
      name: "MailError",
      code: "UNKNOWN",
      provider: "a",
      retryable: false,
      outcomeUnknown: true,
      message: "a answered without a message id, so it may or may not have accepted the message",
    });
    expect(a.requests).toHaveLength(1);
    expect(sent).toEqual([]);
    expect(errors).toMatchObject([
      { provider: "a", attempt: 1, willRetry: false, error: { code: "UNKNOWN" } },
    ]);
  });

  it("does not fail over without an idempotency key: the first vendor may have the message", async () => {
    const a = scripted("a", [async () => ({ messageId: "" })]);
    const b = scripted("b");
    const { clock, mailer } = await mailerOver([a, b]);
    const error = await rejectionOf(clock.settle(mailer.send(message)));
    expect(error).toMatchObject({ code: "UNKNOWN", outcomeUnknown: true });
    expect(error.message).toMatch(
      /^a may have accepted the message; not failing over without an idempotencyKey/,
    );
    expect([a.requests.length, b.requests.length]).toEqual([1, 0]);
  });

  it("fails over with an idempotency key, and the receipt is the next vendor's", async () => {
    const a = scripted("a", [async () => ({ messageId: "" })]);
    const b = scripted("b");
    const { clock, mailer } = await mailerOver([a, b]);
    await expect(clock.settle(mailer.send(keyed))).resolves.toEqual({ provider: "b", messageId: "b-1" });
    expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
  });
});
