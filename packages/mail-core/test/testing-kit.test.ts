import { describe, expect, it } from "vitest";
import { createMailer, createMailerFromEnv, MailError } from "../src/index.js";
import { registerProvider } from "../src/provider.js";
import {
  answersOf,
  createFakeClock,
  createTestMailer,
  type FailureRule,
  findSecret,
  type MemoryConfig,
  memoryProvider,
  minimalMessage,
  recordConsole,
} from "../src/testing/index.js";
import { clearRegistry } from "./support/provider-fakes.js";

describe("createTestMailer", () => {
  it("records each delivered message, normalized, in order", async () => {
    const mailer = await createTestMailer();
    expect(mailer.provider).toBe("memory");
    expect(mailer.from).toEqual({ address: "test@example.com" });
    await expect(mailer.send(minimalMessage)).resolves.toEqual({ provider: "memory", messageId: "memory-1" });
    await expect(
      mailer.send({ to: ["Bob <bob@example.com>"], subject: "Second", html: "<p>2</p>", tags: ["t"] }),
    ).resolves.toEqual({ provider: "memory", messageId: "memory-2" });
    expect(mailer.sent).toEqual([
      {
        from: { address: "test@example.com" },
        to: [{ address: "ann@example.com" }],
        cc: [],
        bcc: [],
        replyTo: [],
        subject: "Hello",
        text: "Hi Ann",
        headers: {},
        attachments: [],
        tags: [],
        metadata: {},
      },
      expect.objectContaining({
        to: [{ address: "bob@example.com", name: "Bob" }],
        html: "<p>2</p>",
        tags: ["t"],
      }),
    ]);
  });

  it("takes a default sender", async () => {
    const mailer = await createTestMailer({ from: "App <app@example.com>" });
    await mailer.send(minimalMessage);
    expect(mailer.sent[0]!.from).toEqual({ address: "app@example.com", name: "App" });
  });

  it("rejects an invalid default sender with CONFIG", async () => {
    await expect(createTestMailer({ from: "nope" })).rejects.toMatchObject({ code: "CONFIG" });
  });

  it("failNext fails the next send with the given error, then delivers again", async () => {
    const mailer = await createTestMailer();
    mailer.failNext(new MailError("AUTH", "bad token", { status: 401 }));
    await expect(mailer.send(minimalMessage)).rejects.toMatchObject({
      name: "MailError",
      code: "AUTH",
      message: "bad token",
      status: 401,
      provider: "memory",
      retryable: false,
    });
    expect(mailer.sent).toEqual([]);
    await expect(mailer.send(minimalMessage)).resolves.toMatchObject({ provider: "memory" });
    expect(mailer.sent).toHaveLength(1);
  });

  it("failNext(error, times) fails that many sends, and queued errors come out in order", async () => {
    const mailer = await createTestMailer();
    mailer.failNext(new MailError("UNAVAILABLE", "down"), 2);
    mailer.failNext(new MailError("REJECTED", "no"));
    await expect(mailer.send(minimalMessage)).rejects.toMatchObject({ code: "UNAVAILABLE" });
    await expect(mailer.send(minimalMessage)).rejects.toMatchObject({ code: "UNAVAILABLE" });
    await expect(mailer.send(minimalMessage)).rejects.toMatchObject({ code: "REJECTED" });
    await expect(mailer.send(minimalMessage)).resolves.toMatchObject({ messageId: "memory-1" });
  });

  it("does not retry unless asked, so one failNext is one failed send", async () => {
    const mailer = await createTestMailer();
    mailer.failNext(new MailError("RATE_LIMITED", "slow down"));
    await expect(mailer.send(minimalMessage)).rejects.toMatchObject({ code: "RATE_LIMITED" });
  });

  it("retries through queued failures when retries are turned on", async () => {
    const clock = createFakeClock();
    const mailer = await createTestMailer({ retry: { attempts: 2 }, clock });
    mailer.failNext(new MailError("UNAVAILABLE", "down"));
    await expect(clock.settle(mailer.send(minimalMessage))).resolves.toMatchObject({ messageId: "memory-1" });
  });

  it("failWhen fails the messages the rule picks until it is cleared", async () => {
    const mailer = await createTestMailer();
    const attempts: number[] = [];
    mailer.failWhen((message, attempt) => {
      attempts.push(attempt);
      return message.to.some((to) => to.address.endsWith("@blocked.example"))
        ? new MailError("REJECTED", "blocked domain")
        : undefined;
    });
    await expect(mailer.send({ ...minimalMessage, to: "eve@blocked.example" })).rejects.toMatchObject({
      code: "REJECTED",
      message: "blocked domain",
    });
    await expect(mailer.send(minimalMessage)).resolves.toBeDefined();
    expect(attempts).toEqual([1, 1]);
    mailer.failWhen(undefined);
    await expect(mailer.send({ ...minimalMessage, to: "eve@blocked.example" })).resolves.toBeDefined();
    expect(mailer.sent.map((message) => message.to[0]!.address)).toEqual([
      "ann@example.com",
      "eve@blocked.example",
    ]);
  });

  it("sendMany sends through the memory provider's batch call, failNext failing the next message alone", async () => {
    const mailer = await createTestMailer();
    mailer.failNext(new MailError("REJECTED", "no"));
    const results = await mailer.sendMany(
      ["ann", "bob", "cy"].map((name) => ({
        ...minimalMessage,
        to: `${name}@example.com`,
        idempotencyKey: name,
      })),
    );
    expect(results).toEqual([
      { ok: false, error: expect.objectContaining({ code: "REJECTED", message: "no", provider: "memory" }) },
      { ok: true, receipt: { provider: "memory", messageId: "memory-1" } },
      { ok: true, receipt: { provider: "memory", messageId: "memory-2" } },
    ]);
    expect(mailer.sent.map((message) => [message.to[0]!.address, message.idempotencyKey])).toEqual([
      ["bob@example.com", "bob"],
      ["cy@example.com", "cy"],
    ]);
  });

  it("reset forgets sent messages, queued failures and the rule", async () => {
    const mailer = await createTestMailer();
    await mailer.send(minimalMessage);
    mailer.failNext(new MailError("AUTH", "x"), 3);
    mailer.failWhen(() => new MailError("REJECTED", "y"));
    const sent = mailer.sent;
    mailer.reset();
    expect(mailer.sent).toEqual([]);
    expect(sent).toBe(mailer.sent);
    await expect(mailer.send(minimalMessage)).resolves.toBeDefined();
    expect(mailer.sent).toHaveLength(1);
  });
});

describe("memoryProvider", () => {
  it("is a provider definition that reads no variables", () => {
    const definition = memoryProvider();
    expect(definition).toMatchObject({ id: "memory", label: "Memory", env: [] });
    expect(memoryProvider("inbox").id).toBe("inbox");
    expect(Object.isFrozen(definition)).toBe(true);
  });

  it("delivers into the outbox of its config and verifies", async () => {
    const outbox: MemoryConfig["outbox"] = [];
    const mailer = await createMailer({
      from: "app@example.com",
      providers: { definition: memoryProvider("inbox"), config: { outbox } },
    });
    await expect(mailer.verify()).resolves.toBeUndefined();
    await expect(mailer.send(minimalMessage)).resolves.toEqual({ provider: "inbox", messageId: "inbox-1" });
    expect(outbox).toHaveLength(1);
    await mailer.close();
  });

  it("works through createMailerFromEnv once registered, chosen by name only", async () => {
    clearRegistry();
    try {
      registerProvider(memoryProvider("memory"));
      const mailer = await createMailerFromEnv({
        env: { MAIL_PROVIDER: "Memory", MAIL_FROM_ADDRESS: "a@example.com" },
      });
      await expect(mailer.send(minimalMessage)).resolves.toEqual({
        provider: "memory",
        messageId: "memory-1",
      });
      await expect(
        createMailerFromEnv({ env: { MAIL_FROM_ADDRESS: "a@example.com" } }),
      ).rejects.toMatchObject({
        code: "CONFIG",
      });
    } finally {
      clearRegistry();
    }
  });

  it("fails with the error its failWith rule returns, per attempt", async () => {
    const outbox: MemoryConfig["outbox"] = [];
    const clock = createFakeClock();
    const mailer = await createMailer({
      from: "app@example.com",
      clock,
      retry: { attempts: 3 },
      providers: {
        definition: memoryProvider(),
        config: {
          outbox,
          failWith: ((_message, attempt) =>
            attempt < 3
              ? new MailError("UNAVAILABLE", `attempt ${attempt} failed`)
              : undefined) as FailureRule,
        },
      },
    });
    await expect(clock.settle(mailer.send(minimalMessage))).resolves.toEqual({
      provider: "memory",
      messageId: "memory-1",
    });
    expect(outbox).toHaveLength(1);
  });
});

describe("findSecret", () => {
  it("finds a secret in a message, a stack, a cause or JSON, and nothing when clean", () => {
    expect(findSecret(new Error("token abc123 leaked"), ["abc123"])).toBe("abc123");
    expect(findSecret(new Error("outer", { cause: new Error("inner s3cr3t") }), ["s3cr3t"])).toBe("s3cr3t");
    expect(findSecret({ headers: { authorization: "Bearer zzz999" } }, ["zzz999"])).toBe("zzz999");
    expect(findSecret(new MailError("AUTH", "bad token"), ["abc123"])).toBeUndefined();
  });
});

describe("recordConsole", () => {
  it("silences and records every console method until restored", () => {
    const original = console.warn;
    const recorder = recordConsole();
    try {
      console.log("a", 1);
      console.warn("b");
      console.error("c");
      console.trace("d");
      expect(recorder.calls()).toEqual([["a", 1], ["b"], ["c"], ["d"]]);
    } finally {
      recorder.restore();
    }
    expect(console.warn).toBe(original);
  });
});

describe("answersOf", () => {
  it("reads each row's status, body and headers in order, sending a row given as a function only after the one before", async () => {
    const sent: string[] = [];
    const answer = (name: string, status: number) => async () => {
      sent.push(name);
      return new Response(status === 204 ? null : `body ${name}`, { status, headers: { "x-row": name } });
    };
    const rows = [];
    for await (const row of answersOf([
      ["first", answer("first", 401)(), 401],
      ["second", answer("second", 204), 200],
    ])) {
      rows.push({ ...row, sentSoFar: [...sent] });
    }
    expect(rows).toEqual([
      {
        name: "first",
        expected: 401,
        status: 401,
        text: "body first",
        headers: "content-type,text/plain;charset=UTF-8\nx-row,first",
        sentSoFar: ["first"],
      },
      {
        name: "second",
        expected: 200,
        status: 204,
        text: "",
        headers: "x-row,second",
        sentSoFar: ["first", "second"],
      },
    ]);
  });
});
