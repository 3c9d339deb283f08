// After close(), send and verify reject at once with one non-retryable ABORTED error saying the mailer is
// closed and nothing was sent; close() is idempotent, waits for sends already under way, and resolves only
// once every provider's transport has closed. `await using` closes the mailer.
import { describe, expect, it } from "vitest";
import { createMailer, MailError } from "../src/index.js";
import { defineProvider, type MailTransport } from "../src/provider.js";
import { createFakeClock, createTestMailer, deferred } from "../src/testing/index.js";
import { FROM, message, rejectionOf, scripted, tick } from "./support/scripted-provider.js";

const CLOSED = {
  name: "MailError",
  code: "ABORTED",
  message: "the mailer is closed: nothing was sent",
  retryable: false,
  outcomeUnknown: false,
  provider: undefined,
};

/** A provider whose transport records calls and closes when the test says so. */
function closable(id: string) {
  const calls: string[] = [];
  const closed = deferred();
  const definition = defineProvider<object>({
    id,
    label: id,
    env: [],
    configFromEnv: () => ({}),
    create: (): MailTransport => ({
      async send() {
        calls.push("send");
        return { messageId: `${id}-1` };
      },
      async verify() {
        calls.push("verify");
      },
      close() {
        calls.push("close");
        return closed.promise;
      },
    }),
  });
  return { calls, closed, setup: { definition, config: {} } };
}

describe("a closed mailer", () => {
  it("rejects send and verify at once with ABORTED, and nothing reaches the provider", async () => {
    const mailer = await createTestMailer();
    await mailer.close();
    const sendError = await rejectionOf(mailer.send(message));
    expect(sendError).toMatchObject(CLOSED);
    expect(sendError.toJSON()).toEqual({
      name: "MailError",
      code: "ABORTED",
      message: "the mailer is closed: nothing was sent",
      retryable: false,
    });
    await expect(mailer.verify()).rejects.toMatchObject(CLOSED);
    expect(mailer.sent).toEqual([]);
  });

  it("refuses before validating: an invalid message gets the same closed error", async () => {
    const mailer = await createTestMailer();
    await mailer.close();
    await expect(mailer.send({} as never)).rejects.toMatchObject(CLOSED);
  });

  it("refuses a send started while close() is still pending", async () => {
    const a = closable("a");
    const mailer = await createMailer({ from: FROM, providers: a.setup });
    const closing = mailer.close();
    await expect(mailer.send(message)).rejects.toMatchObject(CLOSED);
    a.closed.resolve();
    await closing;
    expect(a.calls).toEqual(["close"]);
  });
});

describe("close()", () => {
  it("returns the same promise every time and closes each transport once", async () => {
    const a = closable("a");
    const mailer = await createMailer({ from: FROM, providers: a.setup });
    const first = mailer.close();
    expect(mailer.close()).toBe(first);
    a.closed.resolve();
    await first;
    expect(mailer.close()).toBe(first);
    expect(a.calls).toEqual(["close"]);
  });

  it("resolves only when every provider's transport has closed", async () => {
    const a = closable("a");
    const b = closable("b");
    const mailer = await createMailer({ from: FROM, providers: [a.setup, b.setup] });
    let resolved = false;
    const closing = mailer.close().then(() => {
      resolved = true;
    });
    await tick();
    expect([a.calls, b.calls]).toEqual([["close"], ["close"]]);
    a.closed.resolve();
    await tick();
    expect(resolved).toBe(false);
    b.closed.resolve();
    await closing;
    expect(resolved).toBe(true);
  });

  it("lets a send already under way finish (its retry included) before closing the transports", async () => {
    const clock = createFakeClock();
    const order: string[] = [];
    const provider = scripted("a", [
      async () => {
        order.push("attempt 1");
        throw new MailError("UNAVAILABLE", "busy", { status: 503 });
      },
      async () => {
        order.push("attempt 2");
        return { messageId: "a-2" };
      },
    ]);
    const definition = {
      ...provider.definition,
      async create(...args: Parameters<typeof provider.definition.create>) {
        const transport = await provider.definition.create(...args);
        return { ...transport, close: () => void order.push("close") };
      },
    };
    const mailer = await createMailer({
      from: FROM,
      providers: { definition, config: {} },
      clock,
      random: () => 0.5,
    });
    const sending = mailer.send(message);
    await tick();
    const closing = mailer.close();
    expect(order).toEqual(["attempt 1"]);
    await expect(clock.settle(sending)).resolves.toEqual({ provider: "a", messageId: "a-2" });
    await closing;
    expect(order).toEqual(["attempt 1", "attempt 2", "close"]);
  });

  it("rejects when a transport fails to close, after waiting for the others", async () => {
    const a = closable("a");
    const b = closable("b");
    const failing = {
      ...a.setup,
      definition: {
        ...a.setup.definition,
        create: () => ({
          send: async () => ({ messageId: "x" }),
          verify: async () => {},
          close: () => Promise.reject(new Error("socket already destroyed")),
        }),
      },
    };
    const mailer = await createMailer({ from: FROM, providers: [failing, b.setup] });
    let settled = false;
    const closing = mailer.close().finally(() => {
      settled = true;
    });
    closing.catch(() => {});
    await tick();
    expect(settled).toBe(false);
    b.closed.resolve();
    const error = (await closing.then(
      () => undefined,
      (reason: unknown) => reason,
    )) as MailError;
    expect(error).toMatchObject({
      code: "UNKNOWN",
      provider: "a",
      message: "a failed to close its connections",
    });
  });
});

describe("await using", () => {
  it("closes the mailer at the end of the block", async () => {
    const a = closable("a");
    a.closed.resolve();
    {
      await using mailer = await createMailer({ from: FROM, providers: a.setup });
      await mailer.send(message);
    }
    expect(a.calls).toEqual(["send", "close"]);
  });

  it("is close() itself", async () => {
    const mailer = await createTestMailer();
    expect(mailer[Symbol.asyncDispose]()).toBe(mailer.close());
  });
});
