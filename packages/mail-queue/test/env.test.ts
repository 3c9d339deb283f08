import { MailError } from "@posse/mail-core";
import { defineProvider, registerProvider } from "@posse/mail-core/provider";
import { startRedis, type TestRedis } from "@posse/test-tools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailQueue, createMailWorkerFromEnv, workerOptionsFromEnv } from "../src/index.js";
import { settled } from "./support/queue-fixture.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

describe("workerOptionsFromEnv", () => {
  it("reads MAIL_QUEUE_* into worker options", () => {
    expect(
      workerOptionsFromEnv({
        MAIL_QUEUE_URL: "redis://127.0.0.1:6379",
        MAIL_QUEUE_NAME: "mail-postmark",
        MAIL_QUEUE_PREFIX: "{app}",
        MAIL_QUEUE_CONCURRENCY: "20",
        MAIL_QUEUE_RATE_LIMIT: "50",
        MAIL_QUEUE_RATE_WINDOW_MS: "500",
        MAIL_QUEUE_ON_UNKNOWN_OUTCOME: "resend",
        MAIL_QUEUE_IDEMPOTENT_PROVIDERS: "Resend, brevo",
        MAIL_QUEUE_LOCK_DURATION_MS: "60000",
        MAIL_QUEUE_STALLED_INTERVAL_MS: "15000",
        MAIL_QUEUE_SHUTDOWN_TIMEOUT_MS: "5000",
        MAIL_QUEUE_LOG_FORMAT: "json",
        MAIL_QUEUE_ERROR_LOG_INTERVAL_MS: "2000",
      }),
    ).toEqual({
      options: {
        url: "redis://127.0.0.1:6379",
        name: "mail-postmark",
        prefix: "{app}",
        concurrency: 20,
        rateLimit: { max: 50, durationMs: 500 },
        onUnknownOutcome: "resend",
        idempotentProviders: ["resend", "brevo"],
        lockDurationMs: 60000,
        stalledIntervalMs: 15000,
        connectionErrorIntervalMs: 2000,
      },
      shutdownTimeoutMs: 5000,
      logFormat: "json",
    });
    expect(workerOptionsFromEnv({ MAIL_QUEUE_URL: "redis://h" })).toEqual({
      options: { url: "redis://h" },
      shutdownTimeoutMs: 25000,
      logFormat: "text",
    });
  });

  it.each([
    [{}, "MAIL_QUEUE_URL is required"],
    [{ MAIL_QUEUE_ON_UNKNOWN_OUTCOME: "maybe" }, "MAIL_QUEUE_ON_UNKNOWN_OUTCOME"],
    [{ MAIL_QUEUE_CONCURRENCY: "0" }, "MAIL_QUEUE_CONCURRENCY"],
    [{ MAIL_QUEUE_LOG_FORMAT: "pretty" }, 'MAIL_QUEUE_LOG_FORMAT must be "text" or "json"'],
    [{ MAIL_QUEUE_ERROR_LOG_INTERVAL_MS: "0" }, "MAIL_QUEUE_ERROR_LOG_INTERVAL_MS"],
    [{ MAIL_QUEUE_RATE_LIMIT: "1.5" }, "MAIL_QUEUE_RATE_LIMIT"],
    [{ MAIL_QUEUE_RATE_WINDOW_MS: "1000" }, "MAIL_QUEUE_RATE_WINDOW_MS needs MAIL_QUEUE_RATE_LIMIT"],
  ])("refuses %o with CONFIG naming the variable", (env, text) => {
    const full =
      "MAIL_QUEUE_URL" in env || text.startsWith("MAIL_QUEUE_URL")
        ? env
        : { MAIL_QUEUE_URL: "redis://h", ...env };
    expect(() => workerOptionsFromEnv(full)).toThrow(
      expect.objectContaining({ code: "CONFIG", message: expect.stringContaining(text) }),
    );
  });
});

describe("createMailWorkerFromEnv", () => {
  it("builds the mailer createMailerFromEnv would, with one request per job attempt despite MAIL_RETRY_ATTEMPTS", async () => {
    const requests: string[] = [];
    registerProvider(
      defineProvider<{ key: string }>({
        id: "queuetest",
        label: "Queue test",
        env: [{ name: "QUEUETEST_KEY", description: "key", required: true, secret: true }],
        configFromEnv: (values) => ({ key: values.QUEUETEST_KEY! }),
        create: () => ({
          async send(message) {
            requests.push(message.subject);
            if (requests.length === 1) throw new MailError("UNAVAILABLE", "down", { provider: "queuetest" });
            return { messageId: `qt-${requests.length}` };
          },
          async verify() {},
        }),
      }),
    );
    const env = {
      MAIL_PROVIDER: "queuetest",
      QUEUETEST_KEY: "k",
      MAIL_FROM_ADDRESS: "app@example.com",
      MAIL_RETRY_ATTEMPTS: "5",
      MAIL_QUEUE_URL: redis.url,
      MAIL_QUEUE_NAME: "env-test",
    };
    const worker = await createMailWorkerFromEnv({ env, worker: { backoff: { baseDelayMs: 10 } } });
    const queue = createMailQueue({ url: redis.url, name: "env-test" });
    try {
      await worker.ready;
      const id = await queue.enqueue({ to: "ann@example.com", subject: "Hi", text: "x" });
      const info = await settled(queue, id);
      expect(info.result).toEqual({ provider: "queuetest", messageId: "qt-2", attempts: 2 });
      expect(requests).toEqual(["Hi", "Hi"]);
    } finally {
      await worker.close();
      await queue.close();
    }
  });
});
