// Shared set-up for tests against a real Redis: unique queue names, workers and queues closed after each test.
import { randomUUID } from "node:crypto";
import type { MailEventBase, Mailer } from "@posse/mail-core";
import { defineProvider, registerProvider } from "@posse/mail-core/provider";
import { createTestMailer, type TestMailer } from "@posse/mail-core/testing";
import { Redis } from "ioredis";
import {
  createMailQueue,
  createMailWorker,
  type MailJobInfo,
  type MailQueue,
  type MailQueueOptions,
  type MailWorker,
  type MailWorkerOptions,
} from "../../src/index.js";

export interface Fixture {
  readonly name: string;
  queue(options?: Partial<MailQueueOptions>): MailQueue;
  worker(mailer: Mailer, options?: Partial<MailWorkerOptions>): Promise<MailWorker>;
  /** A test mailer that records when each attempt started (ms since the epoch) in `starts`. */
  mailer(
    from?: string,
  ): Promise<TestMailer & { readonly starts: number[]; readonly events: MailEventBase[] }>;
  redis(): Redis;
  closeAll(): Promise<void>;
}

export function fixture(url: string): Fixture {
  const name = `t-${randomUUID().slice(0, 8)}`;
  const closers: (() => Promise<unknown>)[] = [];
  return {
    name,
    queue(options = {}) {
      const queue = createMailQueue({ url, name, ...options });
      closers.push(() => queue.close());
      return queue;
    },
    async worker(mailer, options = {}) {
      const worker = createMailWorker({
        url,
        name,
        mailer,
        concurrency: 2,
        backoff: { baseDelayMs: 10, maxDelayMs: 50 },
        ...options,
      });
      closers.push(() => worker.close({ timeoutMs: 100 }));
      await worker.ready;
      return worker;
    },
    async mailer(from = "app@example.com") {
      const starts: number[] = [];
      const events: MailEventBase[] = [];
      const mailer = await createTestMailer({
        from,
        hooks: {
          onSend: (event) => {
            starts.push(Date.now());
            events.push(event);
          },
        },
      });
      return Object.assign(mailer, { starts, events });
    },
    redis() {
      const redis = new Redis(url);
      closers.push(() => redis.quit());
      return redis;
    },
    async closeAll() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      closers.length = 0;
    },
  };
}

/** Polls a queue until the job reaches a finished state (completed or failed). */
export async function settled(queue: MailQueue, id: string, timeoutMs = 10_000): Promise<MailJobInfo> {
  const started = Date.now();
  for (;;) {
    const info = await queue.job(id);
    if (info && (info.state === "completed" || info.state === "dead-lettered")) return info;
    if (Date.now() - started > timeoutMs)
      throw new Error(`job ${id} still ${info?.state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Registers a provider `id` (for `createMailerFromEnv` with `MAIL_PROVIDER=id`, no variables of its own) that
 * accepts every message; returns the first recipient of each request it got, in order.
 */
export function recordingProvider(id: string): string[] {
  const sent: string[] = [];
  registerProvider(
    defineProvider<Record<string, never>>({
      id,
      label: id,
      env: [],
      configFromEnv: () => ({}),
      create: () => ({
        async send(message) {
          sent.push(message.to[0]!.address);
          return { messageId: `${id}-${sent.length}` };
        },
        async verify() {},
      }),
    }),
  );
  return sent;
}
