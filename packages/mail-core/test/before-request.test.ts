import { describe, expect, it } from "vitest";
import { createMailer, MailError, useProvider } from "../src/index.js";
import { defineProvider } from "../src/provider.js";
import { FROM, message, scripted } from "./support/scripted-provider.js";

describe("send(message, { beforeRequest })", () => {
  it("is awaited before each request, once per attempt, and a failover's request gets its own call", async () => {
    const order: string[] = [];
    const first = scripted("first", [
      () => {
        order.push("first request");
        throw new MailError("UNAVAILABLE", "down");
      },
    ]);
    const second = scripted("second", [
      async () => {
        order.push("second request");
        return { messageId: "m-1" };
      },
    ]);
    const mailer = await createMailer({
      from: FROM,
      providers: [first.setup(), second.setup()],
    });
    const receipt = await mailer.send(message, {
      attempts: 1,
      beforeRequest: async () => {
        await new Promise((resolve) => setImmediate(resolve));
        order.push("before");
      },
    });
    expect(receipt).toEqual({ provider: "second", messageId: "m-1" });
    expect(order).toEqual(["before", "first request", "before", "second request"]);
  });

  it("rejecting fails the attempt with its error and sends nothing", async () => {
    const provider = scripted("acme");
    const mailer = await createMailer({ from: FROM, providers: provider.setup() });
    const refusal = new MailError("UNKNOWN", "not now", { retryable: false, outcomeUnknown: true });
    await expect(
      mailer.send(message, { attempts: 1, beforeRequest: () => Promise.reject(refusal) }),
    ).rejects.toMatchObject({ code: "UNKNOWN", message: "not now", provider: "acme" });
    expect(provider.requests).toHaveLength(0);
  });

  it("runs when the transport calls requestStarting (after its connection wait), once per attempt", async () => {
    const order: string[] = [];
    const pooled = defineProvider<Record<string, never>>({
      id: "pooled",
      label: "Pooled",
      env: [],
      configFromEnv: () => ({}),
      create: () => ({
        async send(_message, context) {
          order.push("waiting for a connection");
          await context.requestStarting();
          await context.requestStarting(); // a second call does not run it again
          order.push("request");
          return { messageId: "p-1" };
        },
        async verify() {},
      }),
    });
    const mailer = await createMailer({ from: FROM, providers: [useProvider(pooled, {})] });
    await mailer.send(message, { beforeRequest: async () => void order.push("before") });
    expect(order).toEqual(["waiting for a connection", "before", "request"]);
  });

  it("a refusal fails the attempt with the caller's error, whatever the transport's SDK wrapped it in", async () => {
    const wrapping = defineProvider<Record<string, never>>({
      id: "wrapping",
      label: "Wrapping",
      env: [],
      configFromEnv: () => ({}),
      create: () => ({
        async send(_message, context) {
          try {
            await context.requestStarting();
          } catch (cause) {
            // As an SDK does with its HTTP layer's error (fetch's TypeError, axios's AxiosError).
            throw new MailError("NETWORK", "wrapping: fetch failed", { provider: "wrapping", cause });
          }
          return { messageId: "w-1" };
        },
        async verify() {},
      }),
    });
    const mailer = await createMailer({ from: FROM, providers: [useProvider(wrapping, {})] });
    const refusal = new MailError("UNKNOWN", "marked by another run", {
      retryable: false,
      outcomeUnknown: true,
    });
    await expect(
      mailer.send(message, { attempts: 1, beforeRequest: () => Promise.reject(refusal) }),
    ).rejects.toMatchObject({ code: "UNKNOWN", message: "marked by another run", outcomeUnknown: true });
  });
});
