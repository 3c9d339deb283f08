import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createMailer,
  createMailerFromEnv,
  DEFAULT_RETRY,
  type MailErrorCode,
  type MailerOptions,
} from "../src/index.js";
import { httpFailure, registerProvider } from "../src/provider.js";
import { backoffDelay, canSendAgain, retryPolicy } from "../src/sending/retry-policy.js";
import { createFakeClock } from "../src/testing/index.js";
import {
  FROM,
  fail,
  keyed,
  message,
  rejectionOf,
  type Step,
  scripted,
  untilAborted,
} from "./support/scripted-provider.js";

async function mailerWith(steps: readonly Step[], options: MailerOptions = {}) {
  const provider = scripted("acme", steps);
  const clock = createFakeClock();
  const mailer = await createMailer({
    from: FROM,
    providers: provider.setup(),
    clock,
    random: () => 0.5,
    ...options,
  });
  return { provider, clock, mailer };
}

describe("retry policy", () => {
  it("defaults to 3 attempts, 250 ms base, 10 s cap and a 60 s deadline", () => {
    expect(DEFAULT_RETRY).toEqual({ attempts: 3, baseDelayMs: 250, maxDelayMs: 10_000, deadlineMs: 60_000 });
    expect(retryPolicy({})).toEqual(DEFAULT_RETRY);
  });

  it("reads MAIL_RETRY_ATTEMPTS from 1 to 10, trimmed, and ignores a blank value", () => {
    expect(retryPolicy({ MAIL_RETRY_ATTEMPTS: "1" }).attempts).toBe(1);
    expect(retryPolicy({ MAIL_RETRY_ATTEMPTS: " 10 " }).attempts).toBe(10);
    expect(retryPolicy({ MAIL_RETRY_ATTEMPTS: "  " }).attempts).toBe(3);
  });

  it.each(["0", "11", "-1", "2.5", "three", "1e1", "0x3"])(
    "rejects MAIL_RETRY_ATTEMPTS=%s with CONFIG",
    (value) => {
      expect(() => retryPolicy({ MAIL_RETRY_ATTEMPTS: value })).toThrow(
        expect.objectContaining({ code: "CONFIG", message: expect.stringContaining("MAIL_RETRY_ATTEMPTS") }),
      );
    },
  );

  it("lets code options override the environment and the defaults", () => {
    expect(retryPolicy({ MAIL_RETRY_ATTEMPTS: "7" }, { attempts: 2, baseDelayMs: 100 })).toEqual({
      ...DEFAULT_RETRY,
      attempts: 2,
      baseDelayMs: 100,
    });
    expect(retryPolicy({ MAIL_RETRY_ATTEMPTS: "7" }, { maxDelayMs: 1 }).attempts).toBe(7);
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects retry.attempts=%s in code with CONFIG", async (attempts) => {
    const provider = scripted("acme");
    await expect(
      createMailer({ from: FROM, providers: provider.setup(), retry: { attempts } }),
    ).rejects.toMatchObject({ code: "CONFIG" });
  });

  it("draws each wait uniformly from [0, min(maxDelayMs, baseDelayMs·2^(attempt-1))) (full jitter)", () => {
    const policy = retryPolicy({}, { baseDelayMs: 250, maxDelayMs: 10_000 });
    const error = fail("UNAVAILABLE");
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const ceiling = Math.min(10_000, 250 * 2 ** (attempt - 1));
          const delay = backoffDelay(policy, attempt, error, () => r);
          expect(delay).toBe(Math.floor(r * ceiling));
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(ceiling);
        },
      ),
    );
  });

  it("only sends again for a retryable error whose outcome is known, or with an idempotency key", () => {
    expect(canSendAgain(fail("UNAVAILABLE"), false)).toBe(true);
    expect(canSendAgain(fail("TIMEOUT", { outcomeUnknown: true }), false)).toBe(false);
    expect(canSendAgain(fail("TIMEOUT", { outcomeUnknown: true }), true)).toBe(true);
    expect(canSendAgain(fail("AUTH"), true)).toBe(false);
    expect(canSendAgain(fail("UNAVAILABLE", { retryable: false }), true)).toBe(false);
  });
});

describe("retrying one provider", () => {
  it("backs off exponentially with full jitter: random 0.5 and base 250 wait 125, 250, 500, 1000 ms", async () => {
    const { provider, clock, mailer } = await mailerWith(
      [fail("UNAVAILABLE"), fail("UNAVAILABLE"), fail("UNAVAILABLE"), fail("UNAVAILABLE"), "ok"],
      {
        retry: { attempts: 5 },
      },
    );
    await expect(clock.settle(mailer.send(message))).resolves.toEqual({
      provider: "acme",
      messageId: "acme-5",
    });
    expect(clock.sleeps).toEqual([125, 250, 500, 1000]);
    expect(provider.requests.map((request) => request.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(1875);
  });

  it("uses the injected random source for every wait", async () => {
    const draws = [0, 0.999, 0.2];
    const { clock, mailer } = await mailerWith([fail("RATE_LIMITED")], {
      retry: { attempts: 4 },
      random: () => draws.shift() ?? 0,
    });
    await expect(clock.settle(mailer.send(message))).rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect(clock.sleeps).toEqual([0, 499, 200]);
  });

  it("caps the jitter ceiling at maxDelayMs", async () => {
    const { clock, mailer } = await mailerWith([fail("UNAVAILABLE")], {
      retry: { attempts: 6, baseDelayMs: 1000, maxDelayMs: 1500 },
    });
    await expect(clock.settle(mailer.send(message))).rejects.toMatchObject({ code: "UNAVAILABLE" });
    // Ceilings 1000, then min(1500, 2000, 4000, …) = 1500; random 0.5 takes half.
    expect(clock.sleeps).toEqual([500, 750, 750, 750, 750]);
  });

  it("waits a vendor's Retry-After when it is longer than the jittered delay", async () => {
    const limited = httpFailure({ provider: "acme", status: 429, retryAfter: "2" });
    expect(limited.retryAfterMs).toBe(2000);
    const { provider, clock, mailer } = await mailerWith([
      limited,
      fail("UNAVAILABLE", { retryAfterMs: 50 }),
      "ok",
    ]);
    await expect(clock.settle(mailer.send(message))).resolves.toMatchObject({ messageId: "acme-3" });
    // 2 s beats the jitter of 125; a Retry-After of 50 ms loses to the jitter of 250.
    expect(clock.sleeps).toEqual([2000, 250]);
    expect(provider.requests).toHaveLength(3);
  });

  it("caps Retry-After at maxDelayMs", async () => {
    const { clock, mailer } = await mailerWith(
      [httpFailure({ provider: "acme", status: 503, retryAfter: "3600" }), "ok"],
      { retry: { maxDelayMs: 10_000 } },
    );
    await clock.settle(mailer.send(message));
    expect(clock.sleeps).toEqual([10_000]);
  });

  it("stops retrying when the next attempt would start after the deadline", async () => {
    const { provider, clock, mailer } = await mailerWith([fail("UNAVAILABLE")], {
      retry: { attempts: 10, baseDelayMs: 1000, deadlineMs: 3000 },
    });
    const error = await rejectionOf(clock.settle(mailer.send(message)));
    // Waits of 500 and 1000 start attempts at 500 and 1500 ms; the next wait (2000) would end at 3500.
    expect(clock.sleeps).toEqual([500, 1000]);
    expect(provider.requests).toHaveLength(3);
    expect(error.code).toBe("UNAVAILABLE");
  });

  it("allows a retry that starts exactly at the deadline", async () => {
    const { provider, clock, mailer } = await mailerWith([fail("UNAVAILABLE")], {
      retry: { attempts: 10, baseDelayMs: 1000, deadlineMs: 1500 },
    });
    await rejectionOf(clock.settle(mailer.send(message)));
    expect(clock.sleeps).toEqual([500, 1000]);
    expect(provider.requests).toHaveLength(3);
  });

  it("counts time spent in timed-out requests against the deadline", async () => {
    const { provider, clock, mailer } = await mailerWith([untilAborted], {
      timeoutMs: 1000,
      retry: { attempts: 10, deadlineMs: 2500 },
    });
    const error = await rejectionOf(clock.settle(mailer.send(keyed)));
    expect(error.code).toBe("TIMEOUT");
    // Attempts start at 0, 1125 (1000 timeout + 125) and 2375 (2125 + 250 ≤ 2500); the third times
    // out at 3375 and a wait of 500 would start the fourth at 3875, past the deadline.
    expect(clock.sleeps).toEqual([1000, 125, 1000, 250, 1000]);
    expect(provider.requests).toHaveLength(3);
  });

  it("does not let a Retry-After push a retry past the deadline", async () => {
    const { provider, clock, mailer } = await mailerWith([fail("RATE_LIMITED", { retryAfterMs: 5000 })], {
      retry: { deadlineMs: 4000 },
    });
    await expect(clock.settle(mailer.send(message))).rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect(provider.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("measures the deadline from the start of the send, across failover", async () => {
    const first = scripted("first", [fail("UNAVAILABLE")]);
    const second = scripted("second", [fail("UNAVAILABLE")]);
    const clock = createFakeClock();
    const mailer = await createMailer({
      from: FROM,
      providers: [first.setup(), second.setup()],
      clock,
      random: () => 0.5,
      retry: { attempts: 3, baseDelayMs: 1000, deadlineMs: 1900 },
    });
    const error = await rejectionOf(clock.settle(mailer.send(message)));
    // first: attempts at 0, 500, 1500. second: its first attempt at 1500; a retry would start at 2000.
    expect(first.requests).toHaveLength(3);
    expect(second.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([500, 1000]);
    expect(error.errors.map((e) => e.provider)).toEqual(["first", "second"]);
  });

  it("makes at most `attempts` requests (default 3)", async () => {
    const { provider, clock, mailer } = await mailerWith([fail("NETWORK")]);
    await expect(clock.settle(mailer.send(message))).rejects.toMatchObject({
      code: "NETWORK",
      provider: "acme",
    });
    expect(provider.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([125, 250]);
  });

  it("makes exactly one request with attempts: 1", async () => {
    const { provider, clock, mailer } = await mailerWith([fail("UNAVAILABLE")], { retry: { attempts: 1 } });
    await expect(clock.settle(mailer.send(message))).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(provider.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it.each<MailErrorCode>(["AUTH", "REJECTED", "INVALID_MESSAGE", "UNSUPPORTED", "UNKNOWN", "CONFIG"])(
    "does not retry %s",
    async (code) => {
      const { provider, clock, mailer } = await mailerWith([fail(code), "ok"], { retry: { attempts: 5 } });
      await expect(clock.settle(mailer.send(keyed))).rejects.toMatchObject({ code, provider: "acme" });
      expect(provider.requests).toHaveLength(1);
      expect(clock.sleeps).toEqual([]);
    },
  );

  it("does not retry an error that says it is not retryable, whatever its code", async () => {
    const { provider, clock, mailer } = await mailerWith([fail("RATE_LIMITED", { retryable: false }), "ok"]);
    await expect(clock.settle(mailer.send(keyed))).rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect(provider.requests).toHaveLength(1);
  });

  it("retries an HTTP 5xx and a refused connection (the vendor certainly did not get the message)", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" });
    const { provider, clock, mailer } = await mailerWith([
      httpFailure({ provider: "acme", status: 503 }),
      { throws: refused },
      "ok",
    ]);
    await expect(clock.settle(mailer.send(message))).resolves.toMatchObject({ messageId: "acme-3" });
    expect(provider.requests).toHaveLength(3);
  });

  it("passes the attempt number to the transport", async () => {
    const { provider, clock, mailer } = await mailerWith([fail("UNAVAILABLE"), fail("UNAVAILABLE"), "ok"]);
    await clock.settle(mailer.send(message));
    expect(provider.requests.map((request) => request.attempt)).toEqual([1, 2, 3]);
    expect(new Set(provider.requests.map((request) => request.signal)).size).toBe(3);
  });
});

describe("never sending twice", () => {
  const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });

  it.each<[string, Step]>([
    ["a timeout", untilAborted],
    ["a broken connection", { throws: reset }],
    ["an unclassified SDK error", { throws: new Error("something odd") }],
    ["an error flagged outcomeUnknown", fail("UNAVAILABLE", { outcomeUnknown: true })],
  ])("does not retry %s without an idempotency key", async (_name, step) => {
    const { provider, clock, mailer } = await mailerWith([step, "ok"], { timeoutMs: 1000 });
    const error = await rejectionOf(clock.settle(mailer.send(message)));
    expect(error.outcomeUnknown).toBe(true);
    expect(provider.requests).toHaveLength(1);
  });

  it.each<[string, Step]>([
    ["a timeout", untilAborted],
    ["a broken connection", { throws: reset }],
    ["an error flagged outcomeUnknown", fail("UNAVAILABLE", { outcomeUnknown: true })],
  ])("retries %s when the message has an idempotency key", async (_name, step) => {
    const { provider, clock, mailer } = await mailerWith([step, "ok"], { timeoutMs: 1000 });
    await expect(clock.settle(mailer.send(keyed))).resolves.toEqual({
      provider: "acme",
      messageId: "acme-2",
    });
    expect(provider.requests).toHaveLength(2);
    expect(provider.requests.map((request) => request.message.idempotencyKey)).toEqual([
      "order-42-receipt",
      "order-42-receipt",
    ]);
  });
});

describe("MAIL_RETRY_ATTEMPTS through createMailerFromEnv", () => {
  const env = (attempts: string) => ({
    MAIL_PROVIDER: "retryenv",
    MAIL_FROM_ADDRESS: "app@example.com",
    MAIL_RETRY_ATTEMPTS: attempts,
  });

  it.each([
    ["1", 1],
    ["3", 3],
    ["5", 5],
  ])("MAIL_RETRY_ATTEMPTS=%s makes at most %i requests", async (value, expected) => {
    const provider = scripted("retryenv", [fail("UNAVAILABLE")]);
    registerProvider(provider.definition);
    const clock = createFakeClock();
    const mailer = await createMailerFromEnv({ env: env(value), clock, random: () => 0.5 });
    await expect(clock.settle(mailer.send(message))).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(provider.requests).toHaveLength(expected);
  });

  it("rejects an invalid MAIL_RETRY_ATTEMPTS with CONFIG before sending anything", async () => {
    const provider = scripted("retryenv");
    registerProvider(provider.definition);
    await expect(createMailerFromEnv({ env: env("42") })).rejects.toMatchObject({ code: "CONFIG" });
    expect(provider.requests).toHaveLength(0);
  });

  it("lets code options win over MAIL_RETRY_ATTEMPTS", async () => {
    const provider = scripted("retryenv", [fail("UNAVAILABLE")]);
    registerProvider(provider.definition);
    const clock = createFakeClock();
    const mailer = await createMailerFromEnv({ env: env("5"), clock, retry: { attempts: 2 } });
    await rejectionOf(clock.settle(mailer.send(message)));
    expect(provider.requests).toHaveLength(2);
  });
});
