import { inspect } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createMailer,
  MailError,
  type MailerHooks,
  type MailerOptions,
  type SendEndEvent,
  type SendErrorEvent,
  type SendEvent,
  type SendStartEvent,
  type SentEvent,
} from "../src/index.js";
import { createFakeClock, findSecret } from "../src/testing/index.js";
import {
  FROM,
  fail,
  message,
  rejectionOf,
  type Scripted,
  type Step,
  scripted,
  tick,
} from "./support/scripted-provider.js";

const START = Date.UTC(2026, 0, 1);
const clock = () => createFakeClock(START);

/** Records every attempt event, in order, as [hook, event], and the sends' start and end events apart. */
function recorder() {
  const events: Array<["onSend", SendEvent] | ["onSent", SentEvent] | ["onError", SendErrorEvent]> = [];
  const starts: SendStartEvent[] = [];
  const ends: SendEndEvent[] = [];
  const hooks: Required<MailerHooks> = {
    onSendStart: (event) => starts.push(event),
    onSendEnd: (event) => ends.push(event),
    onSend: (event) => events.push(["onSend", event]),
    onSent: (event) => events.push(["onSent", event]),
    onError: (event) => events.push(["onError", event]),
  };
  return { events, starts, ends, hooks };
}

/** A step that takes `ms` on the mailer's clock, then plays `then`. */
function after(fakeClock: ReturnType<typeof clock>, ms: number, then: Step): Step {
  return async (request) => {
    await fakeClock.sleep(ms);
    if (then === "ok") return { messageId: `late-${request.attempt}` };
    if (then instanceof Error) throw then;
    throw new Error("unsupported step");
  };
}

async function mailerWith(
  providers: Scripted[],
  options: MailerOptions & { clock: ReturnType<typeof clock> },
) {
  return createMailer({
    from: FROM,
    providers: providers.map((provider) => provider.setup({ apiKey: "sk_live_events_secret_1234" })),
    random: () => 0.5,
    ...options,
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("mailer events", () => {
  it("reports each attempt with provider, attempt, durationMs from the clock, error, willRetry and messageId", async () => {
    const fakeClock = clock();
    const { events, starts, hooks } = recorder();
    const provider = scripted("acme", [
      after(fakeClock, 40, fail("UNAVAILABLE")),
      after(fakeClock, 15, "ok"),
    ]);
    const mailer = await mailerWith([provider], { clock: fakeClock, hooks });
    await expect(fakeClock.settle(mailer.send(message))).resolves.toEqual({
      provider: "acme",
      messageId: "late-2",
    });
    const send = starts[0];
    expect(events).toEqual([
      ["onSend", { send, provider: "acme", failover: 0, attempt: 1 }],
      [
        "onError",
        {
          send,
          provider: "acme",
          failover: 0,
          attempt: 1,
          durationMs: 40,
          error: expect.objectContaining({ code: "UNAVAILABLE", provider: "acme" }),
          willRetry: true,
        },
      ],
      ["onSend", { send, provider: "acme", failover: 0, attempt: 2 }],
      ["onSent", { send, provider: "acme", failover: 0, attempt: 2, durationMs: 15, messageId: "late-2" }],
    ]);
    // durationMs is the request only: the 125 ms backoff between them is not counted.
    expect(fakeClock.sleeps).toEqual([40, 125, 15]);
    const [, errorEvent] = events[1] as ["onError", SendErrorEvent];
    expect(errorEvent.error).toBeInstanceOf(MailError);
  });

  it("says willRetry: false on the last attempt, and the error is the one the send rejects with", async () => {
    const fakeClock = clock();
    const { events, hooks } = recorder();
    const provider = scripted("acme", [fail("UNAVAILABLE")]);
    const mailer = await mailerWith([provider], { clock: fakeClock, hooks, retry: { attempts: 2 } });
    const error = await rejectionOf(fakeClock.settle(mailer.send(message)));
    const errors = events.filter(([hook]) => hook === "onError").map(([, event]) => event as SendErrorEvent);
    expect(errors.map((event) => [event.attempt, event.willRetry])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(errors[1]!.error).toBe(error);
  });

  it("says willRetry: false for an error that is not retried", async () => {
    const fakeClock = clock();
    const { events, hooks } = recorder();
    const mailer = await mailerWith([scripted("acme", [fail("AUTH")])], { clock: fakeClock, hooks });
    await rejectionOf(fakeClock.settle(mailer.send(message)));
    expect(
      events.map(([hook, event]) => [hook, event.attempt, "willRetry" in event && event.willRetry]),
    ).toEqual([
      ["onSend", 1, false],
      ["onError", 1, false],
    ]);
  });

  it("reports the timeout as the duration of a timed-out request", async () => {
    const fakeClock = clock();
    const { events, hooks } = recorder();
    const provider = scripted("acme", [() => new Promise<never>(() => {})]);
    const mailer = await mailerWith([provider], {
      clock: fakeClock,
      hooks,
      timeoutMs: 1234,
      retry: { attempts: 1 },
    });
    await rejectionOf(fakeClock.settle(mailer.send(message)));
    expect(events[1]).toEqual([
      "onError",
      expect.objectContaining({
        durationMs: 1234,
        willRetry: false,
        error: expect.objectContaining({ code: "TIMEOUT" }),
      }),
    ]);
  });

  it("names each provider of a failover chain", async () => {
    const fakeClock = clock();
    const { events, hooks } = recorder();
    const a = scripted("a", [fail("UNAVAILABLE")]);
    const b = scripted("b");
    const mailer = await mailerWith([a, b], { clock: fakeClock, hooks, retry: { attempts: 1 } });
    await fakeClock.settle(mailer.send(message));
    expect(
      events.map(([hook, event]) => `${hook}:${event.provider}:${event.failover}:${event.attempt}`),
    ).toEqual(["onSend:a:0:1", "onError:a:0:1", "onSend:b:1:1", "onSent:b:1:1"]);
  });

  it("leaves the message, its body and the provider's secrets out of events by default", async () => {
    const fakeClock = clock();
    const { events, starts, ends, hooks } = recorder();
    const leaky = new Error("401 for key sk_live_events_secret_1234");
    const a = scripted("a", [{ throws: leaky }]);
    const b = scripted("b");
    const mailer = await mailerWith([a, b], { clock: fakeClock, hooks, retry: { attempts: 1 } });
    const secretMessage = {
      to: "private.person@example.org",
      subject: "Your password reset code",
      text: "Reset code 918273",
      html: "<p>Reset code 918273</p>",
      idempotencyKey: "reset-918273",
    };
    await fakeClock.settle(mailer.send(secretMessage));
    expect(events).toHaveLength(4);
    expect([starts.length, ends.length]).toEqual([1, 1]);
    for (const event of [...events.map(([, attempt]) => attempt), ...starts, ...ends]) {
      expect(event).not.toHaveProperty("message");
      expect(
        findSecret(event, ["918273", "private.person", "password reset", "sk_live_events_secret_1234"]),
      ).toBeUndefined();
    }
  });

  it("includes the normalized message only with eventsIncludeMessage: true", async () => {
    const fakeClock = clock();
    const { events, starts, hooks } = recorder();
    const mailer = await mailerWith([scripted("acme")], {
      clock: fakeClock,
      hooks,
      eventsIncludeMessage: true,
    });
    await fakeClock.settle(mailer.send(message));
    expect(events).toHaveLength(2);
    for (const event of [...events.map(([, attempt]) => attempt), ...starts]) {
      expect(event.message).toMatchObject({
        subject: "Hello",
        text: "Hi Ann",
        to: [{ address: "ann@example.com" }],
      });
      expect(inspect(event)).toContain("Hi Ann");
    }
  });

  it("still sends, and still reports the real error, when every hook throws", async () => {
    const fakeClock = clock();
    const boom = () => {
      throw new Error("logging is broken");
    };
    const hooks = { onSend: vi.fn(boom), onSent: vi.fn(boom), onError: vi.fn(boom) };
    const provider = scripted("acme", [fail("UNAVAILABLE"), "ok", fail("AUTH")]);
    const mailer = await mailerWith([provider], { clock: fakeClock, hooks });
    await expect(fakeClock.settle(mailer.send(message))).resolves.toEqual({
      provider: "acme",
      messageId: "acme-2",
    });
    await expect(fakeClock.settle(mailer.send(message))).rejects.toMatchObject({ code: "AUTH" });
    expect(hooks.onSend).toHaveBeenCalledTimes(3);
    expect(hooks.onSent).toHaveBeenCalledTimes(1);
    expect(hooks.onError).toHaveBeenCalledTimes(2);
  });

  it("ignores a rejecting async hook without an unhandled rejection", async () => {
    const unhandled = vi.fn();
    process.on("unhandledRejection", unhandled);
    try {
      const fakeClock = clock();
      // Plain functions, not vi.fn: a spy would attach its own handler to the returned promise.
      const calls: string[] = [];
      const rejecting = (name: string) => async () => {
        calls.push(name);
        throw new Error("async logger failed");
      };
      const hooks = {
        onSend: rejecting("onSend"),
        onSent: rejecting("onSent"),
        onError: rejecting("onError"),
      } satisfies MailerHooks;
      const provider = scripted("acme", [fail("UNAVAILABLE"), "ok"]);
      const mailer = await mailerWith([provider], { clock: fakeClock, hooks });
      await expect(fakeClock.settle(mailer.send(message))).resolves.toMatchObject({ messageId: "acme-2" });
      await tick();
      await tick();
      expect(calls).toEqual(["onSend", "onError", "onSend", "onSent"]);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off("unhandledRejection", unhandled);
    }
  });
});

describe("send start and end events", () => {
  const attachment = { filename: "a.txt", content: new Uint8Array(300), contentType: "text/plain" };

  it("brackets a whole send, retries and failover included, and every attempt event points at its start event", async () => {
    const fakeClock = clock();
    const { events, starts, ends, hooks } = recorder();
    const a = scripted("a", [after(fakeClock, 10, fail("UNAVAILABLE"))]);
    const b = scripted("b", [after(fakeClock, 20, fail("NETWORK")), after(fakeClock, 30, "ok")]);
    const mailer = await mailerWith([a, b], { clock: fakeClock, hooks, retry: { attempts: 2 } });
    const sending = mailer.send({
      ...message,
      attachments: [attachment, { ...attachment, content: "héllo" }],
    });
    // Called within the caller's send() call, so a listener sees the caller's async context.
    expect(starts).toEqual([{ providers: ["a", "b"], attachments: 2, attachmentBytes: 306 }]);
    await expect(fakeClock.settle(sending)).resolves.toEqual({ provider: "b", messageId: "late-2" });
    expect(
      events.map(([hook, event]) => `${hook}:${event.provider}:${event.failover}:${event.attempt}`),
    ).toEqual([
      "onSend:a:0:1",
      "onError:a:0:1",
      "onSend:a:0:2",
      "onError:a:0:2",
      "onSend:b:1:1",
      "onError:b:1:1",
      "onSend:b:1:2",
      "onSent:b:1:2",
    ]);
    for (const [, event] of events) expect(event.send).toBe(starts[0]);
    // 10 + 125 backoff + 10 on a, then 20 + 125 backoff + 30 on b.
    expect(ends).toEqual([
      { send: starts[0], durationMs: 320, receipt: { provider: "b", messageId: "late-2" } },
    ]);
  });

  it("ends a failed send with the very error send rejects with", async () => {
    const fakeClock = clock();
    const { starts, ends, hooks } = recorder();
    const mailer = await mailerWith([scripted("a", [fail("AUTH")]), scripted("b", [fail("UNAVAILABLE")])], {
      clock: fakeClock,
      hooks,
      retry: { attempts: 1 },
    });
    const error = await rejectionOf(fakeClock.settle(mailer.send(message)));
    expect(ends).toEqual([{ send: starts[0], durationMs: 0, error }]);
    expect(error.errors?.map((each) => each.code)).toEqual(["AUTH", "UNAVAILABLE"]);
  });

  it("starts and ends a send refused before any request: an invalid message, attachments over the vendor's limit", async () => {
    const fakeClock = clock();
    const { events, starts, ends, hooks } = recorder();
    const mailer = await mailerWith([scripted("acme", [], { maxAttachmentBytes: 100 })], {
      clock: fakeClock,
      hooks,
    });
    const invalid = await rejectionOf(fakeClock.settle(mailer.send({ ...message, to: "not an address" })));
    const tooBig = await rejectionOf(
      fakeClock.settle(mailer.send({ ...message, attachments: [attachment] })),
    );
    expect([invalid.code, tooBig.code]).toEqual(["INVALID_MESSAGE", "UNSUPPORTED"]);
    expect(starts).toEqual([
      { providers: ["acme"], attachments: undefined, attachmentBytes: undefined },
      { providers: ["acme"], attachments: 1, attachmentBytes: 300 },
    ]);
    expect(ends).toEqual([
      { send: starts[0], durationMs: 0, error: invalid },
      { send: starts[1], durationMs: 0, error: tooBig },
    ]);
    expect(events).toEqual([]);
  });

  it("lists the providers in the order this send tries them, a provider cooling down last", async () => {
    const fakeClock = clock();
    const { starts, hooks } = recorder();
    const a = scripted("a", [fail("UNAVAILABLE"), "ok"]);
    const mailer = await mailerWith([a, scripted("b")], { clock: fakeClock, hooks, retry: { attempts: 1 } });
    await fakeClock.settle(mailer.send(message));
    await fakeClock.settle(mailer.send(message));
    expect(starts.map((start) => start.providers)).toEqual([
      ["a", "b"],
      ["b", "a"],
    ]);
  });

  it("sends normally with only the start and end hooks set", async () => {
    const fakeClock = clock();
    const ends: SendEndEvent[] = [];
    const mailer = await mailerWith([scripted("acme", [fail("UNAVAILABLE"), "ok"])], {
      clock: fakeClock,
      hooks: { onSendEnd: (event) => ends.push(event) },
    });
    await expect(fakeClock.settle(mailer.send(message))).resolves.toEqual({
      provider: "acme",
      messageId: "acme-2",
    });
    expect(ends).toEqual([
      {
        send: expect.objectContaining({ providers: ["acme"] }),
        durationMs: 125,
        receipt: { provider: "acme", messageId: "acme-2" },
      },
    ]);
  });
});
