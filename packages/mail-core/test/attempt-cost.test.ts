import { afterEach, describe, expect, it, vi } from "vitest";
import { createMailer, isMailError, type MailError } from "../src/index.js";
import { createFakeClock } from "../src/testing/index.js";
import { FROM, message, scripted } from "./support/scripted-provider.js";

// What one attempt costs in abort machinery: the AbortControllers it makes and what it aborts. An abort
// without a reason builds an AbortError with a stack and fires events, so a request that settles aborts
// nothing at all.

/** Counts the AbortControllers made, and the reasons of the aborts, from now until the test ends. */
function watchControllers() {
  const made: AbortController[] = [];
  const aborts: unknown[] = [];
  class Watched extends AbortController {
    constructor() {
      super();
      made.push(this);
    }
    override abort(reason?: unknown) {
      aborts.push(reason);
      super.abort(reason);
    }
  }
  vi.stubGlobal("AbortController", Watched);
  return { made, aborts };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("an attempt's abort machinery", () => {
  it("makes one AbortController per attempt and aborts nothing when the request succeeds (system clock)", async () => {
    const provider = scripted("acme");
    const mailer = await createMailer({ from: FROM, providers: provider.setup() });
    const { made, aborts } = watchControllers();
    await expect(mailer.send(message)).resolves.toEqual({ provider: "acme", messageId: "acme-1" });
    await expect(mailer.send(message)).resolves.toEqual({ provider: "acme", messageId: "acme-2" });
    expect(made).toHaveLength(2);
    expect(aborts).toEqual([]);
    expect(provider.requests.map((request) => request.signal.aborted)).toEqual([false, false]);
  });

  it("makes one AbortController per failed attempt too, and aborts nothing when the request rejects", async () => {
    const provider = scripted("acme", [new Error("connection reset")]);
    const mailer = await createMailer({ from: FROM, providers: provider.setup(), retry: { attempts: 1 } });
    const { made, aborts } = watchControllers();
    await expect(mailer.send(message)).rejects.toMatchObject({ code: "UNKNOWN", provider: "acme" });
    expect(made).toHaveLength(1);
    expect(aborts).toEqual([]);
  });

  it("on an injected clock, cancels the timeout's wait with a plain value, never an AbortError", async () => {
    const provider = scripted("acme");
    const clock = createFakeClock();
    const mailer = await createMailer({ from: FROM, providers: provider.setup(), clock });
    const { aborts } = watchControllers();
    await expect(clock.settle(mailer.send(message))).resolves.toMatchObject({ messageId: "acme-1" });
    expect(aborts).toHaveLength(1);
    expect(aborts[0]).toBeTypeOf("symbol");
    // Nothing is left waiting: moving time past the timeout fires no timer.
    await clock.advance(60_000);
    expect(clock.sleeps).toEqual([]);
  });

  it("leaves no timer behind once a request settles (system clock)", async () => {
    vi.useFakeTimers();
    const provider = scripted("acme");
    const mailer = await createMailer({ from: FROM, providers: provider.setup() });
    await mailer.send(message);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("still times out on the system clock: rejects with TIMEOUT and aborts the request's signal with it", async () => {
    vi.useFakeTimers();
    const provider = scripted("acme", [() => new Promise(() => {})]);
    const mailer = await createMailer({
      from: FROM,
      providers: provider.setup(),
      timeoutMs: 5_000,
      retry: { attempts: 1 },
    });
    const sent = mailer.send(message).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(provider.requests[0]!.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = (await sent) as MailError;
    expect(isMailError(error) && error.code).toBe("TIMEOUT");
    expect(error.message).toBe("acme did not answer within 5000 ms");
    expect(provider.requests[0]!.signal.reason).toMatchObject({ code: "TIMEOUT" });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("still rejects at once on the caller's abort on the system clock, and clears the timeout", async () => {
    vi.useFakeTimers();
    const provider = scripted("acme", [() => new Promise(() => {})]);
    const mailer = await createMailer({ from: FROM, providers: provider.setup(), retry: { attempts: 1 } });
    const caller = new AbortController();
    const sent = mailer.send(message, { signal: caller.signal }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(0);
    caller.abort(new Error("user left"));
    await expect(sent).resolves.toMatchObject({ code: "ABORTED", provider: "acme" });
    expect(provider.requests[0]!.signal.reason).toMatchObject({ code: "ABORTED" });
    expect(vi.getTimerCount()).toBe(0);
  });
});
