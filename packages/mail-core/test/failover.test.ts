import { describe, expect, it } from "vitest";
import { createMailer, MailError, type MailErrorCode, type MailerOptions } from "../src/index.js";
import { defineProvider, httpFailure } from "../src/provider.js";
import { createFakeClock } from "../src/testing/index.js";
import {
  FROM,
  fail,
  keyed,
  message,
  rejectionOf,
  type Scripted,
  type Step,
  scripted,
  untilAborted,
} from "./support/scripted-provider.js";

async function chain(providers: readonly Scripted[], options: MailerOptions = {}) {
  const clock = createFakeClock();
  const mailer = await createMailer({
    from: FROM,
    providers: providers.map((provider) => provider.setup()),
    clock,
    random: () => 0.5,
    retry: { attempts: 1 },
    ...options,
  });
  return { clock, mailer };
}

const order = (...providers: Scripted[]) => providers.map((provider) => provider.requests.length);

describe("failover chain", () => {
  it("sends through the first provider and leaves the second alone when it succeeds", async () => {
    const a = scripted("a");
    const b = scripted("b");
    const { clock, mailer } = await chain([a, b]);
    expect(mailer.provider).toBe("a");
    expect(mailer.providers).toEqual(["a", "b"]);
    await expect(clock.settle(mailer.send(message))).resolves.toEqual({ provider: "a", messageId: "a-1" });
    expect(order(a, b)).toEqual([1, 0]);
  });

  it.each<[string, Step]>([
    ["UNAVAILABLE (HTTP 503)", httpFailure({ provider: "a", status: 503 })],
    ["RATE_LIMITED", fail("RATE_LIMITED")],
    ["AUTH", fail("AUTH")],
    ["REJECTED", fail("REJECTED")],
    ["a refused connection", { throws: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }) }],
  ])("moves on after %s, which the vendor certainly did not accept", async (_name, step) => {
    const a = scripted("a", [step]);
    const b = scripted("b");
    const { clock, mailer } = await chain([a, b]);
    await expect(clock.settle(mailer.send(message))).resolves.toEqual({ provider: "b", messageId: "b-1" });
    expect(order(a, b)).toEqual([1, 1]);
  });

  it("exhausts the first provider's retries before moving on", async () => {
    const a = scripted("a", [fail("UNAVAILABLE")]);
    const b = scripted("b");
    const { clock, mailer } = await chain([a, b], { retry: { attempts: 3 } });
    await expect(clock.settle(mailer.send(message))).resolves.toMatchObject({ provider: "b" });
    expect(order(a, b)).toEqual([3, 1]);
    expect(clock.sleeps).toEqual([125, 250]);
  });

  it.each<[string, Step]>([
    ["a timeout", untilAborted],
    ["a broken connection", { throws: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) }],
    ["an unclassified SDK error", { throws: new TypeError("Cannot read properties of undefined") }],
  ])(
    "stops after %s without an idempotency key and names the provider that may have the message",
    async (_name, step) => {
      const a = scripted("a", [step]);
      const b = scripted("b");
      const { clock, mailer } = await chain([a, b], { timeoutMs: 1000 });
      const error = await rejectionOf(clock.settle(mailer.send(message)));
      expect(order(a, b)).toEqual([1, 0]);
      expect(error).toBeInstanceOf(MailError);
      expect(error.provider).toBe("a");
      expect(error.outcomeUnknown).toBe(true);
      expect(error.message).toMatch(
        /^a may have accepted the message; not failing over without an idempotencyKey/,
      );
      expect(error.errors.map((inner) => [inner.provider, inner.outcomeUnknown])).toEqual([["a", true]]);
    },
  );

  it("fails over after an unknown outcome when the message has an idempotency key", async () => {
    const a = scripted("a", [untilAborted]);
    const b = scripted("b");
    const { clock, mailer } = await chain([a, b], { timeoutMs: 1000 });
    await expect(clock.settle(mailer.send(keyed))).resolves.toEqual({ provider: "b", messageId: "b-1" });
    expect(order(a, b)).toEqual([1, 1]);
    expect(b.requests[0]!.message.idempotencyKey).toBe("order-42-receipt");
  });

  it("keeps every provider's error, in order, when all fail", async () => {
    const a = scripted("a", [httpFailure({ provider: "a", status: 503, detail: "down for maintenance" })]);
    const b = scripted("b", [fail("AUTH")]);
    const c = scripted("c", [fail("RATE_LIMITED", { retryAfterMs: 7000 })]);
    const { clock, mailer } = await chain([a, b, c]);
    const error = await rejectionOf(clock.settle(mailer.send(message)));
    expect(error).toBeInstanceOf(MailError);
    expect(error.errors.map((inner) => [inner.provider, inner.code])).toEqual([
      ["a", "UNAVAILABLE"],
      ["b", "AUTH"],
      ["c", "RATE_LIMITED"],
    ]);
    // The failover error takes code, provider, retryability and Retry-After from the last error.
    expect(error).toMatchObject({ code: "RATE_LIMITED", provider: "c", retryable: true, retryAfterMs: 7000 });
    expect(error.outcomeUnknown).toBe(false);
    expect(error.message).toMatch(
      /^every provider failed \(a: a answered HTTP 503: down for maintenance; b: /,
    );
    expect(JSON.parse(JSON.stringify(error)).errors).toHaveLength(3);
    expect(order(a, b, c)).toEqual([1, 1, 1]);
  });

  it("reports outcomeUnknown on the failover error when any provider may have accepted the message", async () => {
    const a = scripted("a", [untilAborted]);
    const b = scripted("b", [fail("UNAVAILABLE")]);
    const { clock, mailer } = await chain([a, b], { timeoutMs: 1000 });
    const error = await rejectionOf(clock.settle(mailer.send(keyed)));
    expect(error.code).toBe("UNAVAILABLE");
    expect(error.outcomeUnknown).toBe(true);
    expect(error.errors.map((inner) => [inner.provider, inner.code, inner.outcomeUnknown])).toEqual([
      ["a", "TIMEOUT", true],
      ["b", "UNAVAILABLE", false],
    ]);
  });

  it.each<MailErrorCode>(["INVALID_MESSAGE", "UNSUPPORTED"])(
    "does not fail over on %s: the next provider would refuse the message too",
    async (code) => {
      const a = scripted("a", [fail(code, { field: "headers" })]);
      const b = scripted("b");
      const { clock, mailer } = await chain([a, b]);
      const error = await rejectionOf(clock.settle(mailer.send(keyed)));
      expect(error).toMatchObject({ code, provider: "a", field: "headers" });
      expect(order(a, b)).toEqual([1, 0]);
    },
  );

  it("fails over on a send-time CONFIG error: only that provider is misconfigured", async () => {
    const a = scripted("a", [fail("CONFIG")]);
    const b = scripted("b");
    const { clock, mailer } = await chain([a, b]);
    await expect(clock.settle(mailer.send(message))).resolves.toMatchObject({ provider: "b" });
    expect(order(a, b)).toEqual([1, 1]);
  });

  it("keeps the earlier errors when a later provider raises a no-failover error", async () => {
    const a = scripted("a", [fail("UNAVAILABLE")]);
    const b = scripted("b", [fail("UNSUPPORTED", { field: "attachments" })]);
    const c = scripted("c");
    const { clock, mailer } = await chain([a, b, c]);
    const error = await rejectionOf(clock.settle(mailer.send(message)));
    expect(error.code).toBe("UNSUPPORTED");
    expect(error.errors.map((inner) => inner.provider)).toEqual(["a", "b"]);
    expect(order(a, b, c)).toEqual([1, 1, 0]);
  });

  it("does not fail over when a message exceeds a provider's attachment limit", async () => {
    const a = scripted("a", [], { maxAttachmentBytes: 4 });
    const b = scripted("b");
    const { clock, mailer } = await chain([a, b]);
    const big = { ...message, attachments: [{ filename: "a.txt", content: "12345" }] };
    await expect(clock.settle(mailer.send(big))).rejects.toMatchObject({
      code: "UNSUPPORTED",
      provider: "a",
      field: "attachments",
    });
    expect(order(a, b)).toEqual([0, 0]);
  });

  it("does not call any provider for an invalid message", async () => {
    const a = scripted("a");
    const b = scripted("b");
    const { clock, mailer } = await chain([a, b]);
    await expect(clock.settle(mailer.send({ ...message, to: "not an address" }))).rejects.toMatchObject({
      code: "INVALID_MESSAGE",
    });
    expect(order(a, b)).toEqual([0, 0]);
  });

  it("throws a single provider's own error unchanged in shape (no failover wrapper)", async () => {
    const a = scripted("a", [fail("UNAVAILABLE", { status: 503 })]);
    const { clock, mailer } = await chain([a]);
    const error = await rejectionOf(clock.settle(mailer.send(message)));
    expect(error).toMatchObject({
      code: "UNAVAILABLE",
      provider: "a",
      status: 503,
      message: "scripted UNAVAILABLE",
    });
    expect(error.errors).toEqual([]);
  });
});

describe("cool-down", () => {
  async function cooledChain(options: MailerOptions = {}) {
    // a fails transiently once, then works.
    const a = scripted("a", [fail("UNAVAILABLE"), "ok"]);
    const b = scripted("b");
    const setup = await chain([a, b], options);
    await setup.clock.settle(setup.mailer.send(message));
    expect(order(a, b)).toEqual([1, 1]);
    return { a, b, ...setup };
  }

  it("tries a provider that failed transiently last, for cooldownMs (default 30 000 ms)", async () => {
    const { a, b, clock, mailer } = await cooledChain();
    await expect(clock.settle(mailer.send(message))).resolves.toMatchObject({ provider: "b" });
    expect(order(a, b)).toEqual([1, 2]);
    await clock.advance(29_999);
    await expect(clock.settle(mailer.send(message))).resolves.toMatchObject({ provider: "b" });
    expect(order(a, b)).toEqual([1, 3]);
    await clock.advance(1);
    await expect(clock.settle(mailer.send(message))).resolves.toEqual({ provider: "a", messageId: "a-2" });
    expect(order(a, b)).toEqual([2, 3]);
  });

  it("honours a custom cooldownMs", async () => {
    const { a, b, clock, mailer } = await cooledChain({ cooldownMs: 1000 });
    await clock.advance(999);
    await clock.settle(mailer.send(message));
    expect(order(a, b)).toEqual([1, 2]);
    await clock.advance(1);
    await expect(clock.settle(mailer.send(message))).resolves.toMatchObject({ provider: "a" });
  });

  it("still tries a cooling provider, last, when the others fail", async () => {
    const a = scripted("a", [fail("UNAVAILABLE"), "ok"]);
    const b = scripted("b", ["ok", fail("UNAVAILABLE")]);
    const { clock, mailer } = await chain([a, b]);
    await clock.settle(mailer.send(message)); // a fails (cools), b sends
    await expect(clock.settle(mailer.send(message))).resolves.toEqual({ provider: "a", messageId: "a-2" });
    expect(a.requests).toHaveLength(2);
    expect(b.requests).toHaveLength(2);
  });

  it("ends a provider's cool-down when it accepts a message", async () => {
    const a = scripted("a", [fail("UNAVAILABLE"), "ok", "ok"]);
    const b = scripted("b", ["ok", fail("UNAVAILABLE"), "ok"]);
    const { clock, mailer } = await chain([a, b]);
    await clock.settle(mailer.send(message)); // a cools; b sends
    await clock.settle(mailer.send(message)); // b fails (cools), a sends and is no longer cooling
    await expect(clock.settle(mailer.send(message))).resolves.toMatchObject({ provider: "a" });
    expect(order(a, b)).toEqual([3, 2]);
  });

  it("forgets cool-downs on resetCooldowns()", async () => {
    const { a, b, clock, mailer } = await cooledChain();
    mailer.resetCooldowns();
    await expect(clock.settle(mailer.send(message))).resolves.toMatchObject({ provider: "a" });
    expect(order(a, b)).toEqual([2, 1]);
  });

  it("belongs to one mailer: another mailer over the same providers is unaffected", async () => {
    const { a, b, clock, mailer } = await cooledChain();
    const other = await createMailer({
      from: FROM,
      providers: [a.setup(), b.setup()],
      clock,
      retry: { attempts: 1 },
    });
    await expect(clock.settle(other.send(message))).resolves.toMatchObject({ provider: "a" });
    await expect(clock.settle(mailer.send(message))).resolves.toMatchObject({ provider: "b" });
    expect(order(a, b)).toEqual([2, 2]);
  });

  it.each<[string, Step]>([
    ["AUTH", fail("AUTH")],
    ["REJECTED", fail("REJECTED")],
  ])("does not cool down a provider after a permanent error (%s)", async (_name, step) => {
    const a = scripted("a", [step, "ok"]);
    const b = scripted("b");
    const { clock, mailer } = await chain([a, b]);
    await clock.settle(mailer.send(message));
    await expect(clock.settle(mailer.send(message))).resolves.toMatchObject({ provider: "a" });
    expect(order(a, b)).toEqual([2, 1]);
  });

  it("cools down a provider whose timeout stopped the chain", async () => {
    const a = scripted("a", [untilAborted, "ok"]);
    const b = scripted("b");
    const { clock, mailer } = await chain([a, b], { timeoutMs: 1000 });
    await expect(clock.settle(mailer.send(message))).rejects.toMatchObject({ code: "TIMEOUT" });
    await expect(clock.settle(mailer.send(message))).resolves.toMatchObject({ provider: "b" });
    expect(order(a, b)).toEqual([1, 1]);
  });
});

describe("creating a chain", () => {
  it("closes the providers already created when a later one fails to start", async () => {
    let closed = 0;
    const opened = defineProvider({
      id: "opened",
      label: "Opened",
      env: [],
      configFromEnv: () => ({}),
      create: () => ({
        send: async () => ({ messageId: "x" }),
        verify: async () => {},
        close: () => {
          closed += 1;
        },
      }),
    });
    const broken = defineProvider({
      id: "broken",
      label: "Broken",
      env: [],
      configFromEnv: () => ({}),
      create: () => {
        throw new Error("SDK failed to load");
      },
    });
    const error = await createMailer({
      from: "app@example.com",
      providers: [
        { definition: opened, config: {} },
        { definition: broken, config: {} },
      ],
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CONFIG", provider: "broken" });
    expect(closed).toBe(1);
  });
});
