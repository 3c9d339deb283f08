import { describe, expect, it } from "vitest";
import { createMailer, MailError, type MailerOptions } from "../src/index.js";
import { defineProvider, type RequestContext } from "../src/provider.js";
import { createFakeClock } from "../src/testing/index.js";
import {
  FROM,
  fail,
  hang,
  keyed,
  message,
  rejectionOf,
  type Scripted,
  type Step,
  scripted,
  tick,
  untilAborted,
} from "./support/scripted-provider.js";

const START = Date.UTC(2026, 0, 1);

async function mailerWith(steps: readonly Step[], options: MailerOptions = {}, more: Scripted[] = []) {
  const provider = scripted("acme", steps);
  const clock = createFakeClock(START);
  const mailer = await createMailer({
    from: FROM,
    providers: [provider.setup(), ...more.map((next) => next.setup())],
    clock,
    random: () => 0.5,
    ...options,
  });
  return { provider, clock, mailer };
}

describe("per-request timeout", () => {
  it("aborts the transport's signal and rejects with TIMEOUT after 30 000 ms by default", async () => {
    const { provider, clock, mailer } = await mailerWith([untilAborted], { retry: { attempts: 1 } });
    const error = await rejectionOf(clock.settle(mailer.send(message)));
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "TIMEOUT", provider: "acme", retryable: true, outcomeUnknown: true });
    expect(error.message).toBe("acme did not answer within 30000 ms");
    expect(clock.sleeps).toEqual([30_000]);
    expect(clock.now()).toBe(START + 30_000);
    const { signal } = provider.requests[0]!;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toMatchObject({ code: "TIMEOUT" });
  });

  it("uses timeoutMs and tells the provider about it at create time", async () => {
    const { provider, clock, mailer } = await mailerWith([untilAborted], {
      timeoutMs: 2500,
      retry: { attempts: 1 },
    });
    expect(provider.createdWith).toEqual([2500]);
    await expect(clock.settle(mailer.send(message))).rejects.toMatchObject({ code: "TIMEOUT" });
    expect(clock.sleeps).toEqual([2500]);
  });

  it("rejects on time even when the transport ignores its signal", async () => {
    const { provider, clock, mailer } = await mailerWith([hang], { timeoutMs: 1000, retry: { attempts: 1 } });
    await expect(clock.settle(mailer.send(message))).rejects.toMatchObject({ code: "TIMEOUT" });
    expect(clock.now()).toBe(START + 1000);
    expect(provider.requests[0]!.signal.aborted).toBe(true);
  });

  it("times out each attempt separately", async () => {
    const { provider, clock, mailer } = await mailerWith([untilAborted], { timeoutMs: 500 });
    await expect(clock.settle(mailer.send(keyed))).rejects.toMatchObject({ code: "TIMEOUT" });
    expect(clock.sleeps).toEqual([500, 125, 500, 250, 500]);
    expect(provider.requests.map((request) => request.signal.aborted)).toEqual([true, true, true]);
  });

  it("does not abort the signal of a request that answered in time, and leaves no timer behind", async () => {
    const answerAfter =
      (ms: number): Step =>
      async () => {
        await clock.sleep(ms);
        return { messageId: "late-but-fine" };
      };
    const clock = createFakeClock(START);
    const provider = scripted("acme", [answerAfter(999)]);
    const mailer = await createMailer({ from: FROM, providers: provider.setup(), clock, timeoutMs: 1000 });
    await expect(clock.settle(mailer.send(message))).resolves.toEqual({
      provider: "acme",
      messageId: "late-but-fine",
    });
    expect(provider.requests[0]!.signal.aborted).toBe(false);
    await clock.advance(60_000);
    expect(clock.sleeps).toEqual([999]);
    expect(provider.requests[0]!.signal.aborted).toBe(false);
  });

  it("applies to verify()", async () => {
    const clock = createFakeClock(START);
    const provider = scripted("acme", [], { verify: untilAborted });
    const mailer = await createMailer({ from: FROM, providers: provider.setup(), clock, timeoutMs: 700 });
    await expect(clock.settle(mailer.verify())).rejects.toMatchObject({ code: "TIMEOUT", provider: "acme" });
    expect(clock.sleeps).toEqual([700]);
  });

  it("times out concurrent sends on one clock independently", async () => {
    const clock = createFakeClock(START);
    const slow = scripted("slow", [hang]);
    const quick = scripted("quick", [hang]);
    const options = { from: FROM, clock, retry: { attempts: 1 } };
    const a = await createMailer({ ...options, providers: slow.setup(), timeoutMs: 100 });
    const b = await createMailer({ ...options, providers: quick.setup(), timeoutMs: 1000 });
    const both = Promise.allSettled([a.send(message), b.send(message)]);
    const [first, second] = await clock.settle(both);
    expect(first).toMatchObject({ status: "rejected", reason: { code: "TIMEOUT", provider: "slow" } });
    expect(second).toMatchObject({ status: "rejected", reason: { code: "TIMEOUT", provider: "quick" } });
    expect(clock.sleeps).toEqual([100, 1000]);
  });

  it("times out a transport that never reads its signal, and one read later is already aborted", async () => {
    // The attempt's AbortController is made on the first read of context.signal; a transport that keeps
    // the context and reads it only after the timeout must still see the abort and its reason.
    const contexts: RequestContext[] = [];
    const definition = defineProvider({
      id: "keeper",
      label: "Keeper",
      env: [],
      configFromEnv: () => ({}),
      create: () => ({
        send: (_message, context) => {
          contexts.push(context);
          return new Promise<never>(() => {});
        },
        verify: async () => {},
      }),
    });
    const clock = createFakeClock(START);
    const mailer = await createMailer({
      from: FROM,
      providers: { definition, config: {} },
      clock,
      timeoutMs: 700,
      retry: { attempts: 1 },
    });
    await expect(clock.settle(mailer.send(message))).rejects.toMatchObject({ code: "TIMEOUT" });
    expect(clock.now()).toBe(START + 700);
    const { signal } = contexts[0]!;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toMatchObject({ code: "TIMEOUT", provider: "keeper" });
  });
});

describe("cancellation", () => {
  it("rejects with ABORTED at once and aborts the transport's signal", async () => {
    const { provider, clock, mailer } = await mailerWith([untilAborted]);
    const controller = new AbortController();
    const sending = rejectionOf(mailer.send(keyed, { signal: controller.signal }));
    await tick();
    expect(provider.requests).toHaveLength(1);
    controller.abort(new Error("user went away"));
    const error = await sending;
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ code: "ABORTED", provider: "acme", retryable: false });
    expect((error.cause as Error).message).toBe("user went away");
    expect(provider.requests[0]!.signal.aborted).toBe(true);
    expect(provider.requests[0]!.signal.reason).toMatchObject({ code: "ABORTED" });
    // No time passed and nothing was retried.
    expect(clock.now()).toBe(START);
    expect(clock.sleeps).toEqual([]);
    expect(provider.requests).toHaveLength(1);
  });

  it("rejects at once even when the transport ignores its signal", async () => {
    const { provider, clock, mailer } = await mailerWith([hang]);
    const controller = new AbortController();
    const sending = rejectionOf(mailer.send(keyed, { signal: controller.signal }));
    await tick();
    controller.abort();
    await expect(sending).resolves.toMatchObject({ code: "ABORTED" });
    expect(clock.now()).toBe(START);
    expect(provider.requests).toHaveLength(1);
    expect(provider.requests[0]!.signal.aborted).toBe(true);
  });

  it("rejects at once while waiting between retries", async () => {
    const { provider, clock, mailer } = await mailerWith([fail("UNAVAILABLE"), "ok"], {
      retry: { baseDelayMs: 10_000 },
    });
    const controller = new AbortController();
    const sending = rejectionOf(mailer.send(message, { signal: controller.signal }));
    await tick();
    expect(provider.requests).toHaveLength(1);
    controller.abort();
    await expect(sending).resolves.toMatchObject({ code: "ABORTED", provider: "acme" });
    expect(clock.now()).toBe(START);
    expect(clock.sleeps).toEqual([]);
    // The pending backoff was dropped: advancing time starts no second request.
    await clock.advance(60_000);
    expect(provider.requests).toHaveLength(1);
  });

  it("sends nothing when the signal is already aborted", async () => {
    const { provider, mailer } = await mailerWith(["ok"]);
    await expect(mailer.send(message, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: "ABORTED",
    });
    expect(provider.requests).toHaveLength(0);
  });

  it("does not fail over to the next provider", async () => {
    const next = scripted("next");
    const { provider, mailer } = await mailerWith([untilAborted], {}, [next]);
    const controller = new AbortController();
    const sending = rejectionOf(mailer.send(keyed, { signal: controller.signal }));
    await tick();
    controller.abort();
    await expect(sending).resolves.toMatchObject({ code: "ABORTED", provider: "acme" });
    expect(provider.requests).toHaveLength(1);
    expect(next.requests).toHaveLength(0);
  });

  it("does not put the provider in cool-down", async () => {
    const next = scripted("next");
    const { mailer } = await mailerWith([untilAborted, "ok"], {}, [next]);
    await expect(mailer.send(message, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: "ABORTED",
    });
    const controller = new AbortController();
    const sending = rejectionOf(mailer.send(keyed, { signal: controller.signal }));
    await tick();
    controller.abort();
    await sending;
    await expect(mailer.send(message)).resolves.toEqual({ provider: "acme", messageId: "acme-2" });
    expect(next.requests).toHaveLength(0);
  });

  it("aborts verify()", async () => {
    const clock = createFakeClock(START);
    const provider = scripted("acme", [], { verify: hang });
    const mailer = await createMailer({ from: FROM, providers: provider.setup(), clock });
    const controller = new AbortController();
    const verifying = rejectionOf(mailer.verify({ signal: controller.signal }));
    await tick();
    controller.abort();
    await expect(verifying).resolves.toMatchObject({ code: "ABORTED" });
    expect(clock.now()).toBe(START);
  });

  it("an abort after the send finished changes nothing", async () => {
    const { provider, mailer } = await mailerWith(["ok"]);
    const controller = new AbortController();
    await expect(mailer.send(message, { signal: controller.signal })).resolves.toMatchObject({
      messageId: "acme-1",
    });
    controller.abort();
    expect(provider.requests[0]!.signal.aborted).toBe(false);
  });
});
