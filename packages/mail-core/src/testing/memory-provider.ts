import { isMailError, type MailError } from "../errors/mail-error.js";
import type { NormalizedMessage } from "../message/message.js";
import { defineProvider, type ProviderDefinition } from "../providers/define-provider.js";
import { createMailer } from "../sending/create-mailer.js";
import type { Mailer, MailerOptions } from "../sending/mailer.js";

/** What a failure rule returns: an error to throw for this message, or nothing to deliver it. */
export type FailureRule = (message: NormalizedMessage, attempt: number) => MailError | undefined;

/** Config of the memory provider. */
export interface MemoryConfig {
  /** Where delivered messages go. */
  readonly outbox: NormalizedMessage[];
  /** Decides per attempt whether to fail. */
  readonly failWith?: FailureRule;
  /** Provider id to report; default `memory`. */
  readonly id?: string;
}

/** A provider that keeps messages in an array (its batch call too): for tests of apps that send e-mail. */
export function memoryProvider(id = "memory"): ProviderDefinition<MemoryConfig> {
  return defineProvider<MemoryConfig>({
    id,
    label: "Memory",
    env: [],
    configFromEnv: () => ({ outbox: [] }),
    create(config) {
      let count = 0;
      const deliver = (message: NormalizedMessage, attempt: number) => {
        const error = config.failWith?.(message, attempt);
        if (error) return error;
        config.outbox.push(message);
        count += 1;
        return { messageId: `${id}-${count}` };
      };
      return {
        async send(message, context) {
          await context.requestStarting();
          const result = deliver(message, context.attempt);
          if (isMailError(result)) throw result;
          return result;
        },
        // A batch call as a vendor's: one answer per message, so `sendMany` takes its batch path in tests.
        async sendBatch(messages, context) {
          await context.requestStarting();
          return messages.map((message) => deliver(message, context.attempt));
        },
        async verify() {},
      };
    },
  });
}

/** A mailer for tests: it records what was sent and can be told to fail. */
export interface TestMailer extends Mailer {
  /** Every delivered message, normalized, in order. */
  readonly sent: readonly NormalizedMessage[];
  /** Makes the next `times` send attempts (default 1) fail with `error`; in `sendMany`, the next messages'. */
  failNext(error: MailError, times?: number): void;
  /** Makes every attempt fail while `rule` returns an error. */
  failWhen(rule: FailureRule | undefined): void;
  /** Forgets sent messages and failure rules. */
  reset(): void;
}

/** Options of {@link createTestMailer}. */
export interface TestMailerOptions extends MailerOptions {
  /** Default sender; default `test@example.com`. */
  readonly from?: string;
}

/** Makes a {@link TestMailer}; retries are off unless `retry` says otherwise. */
export async function createTestMailer(options: TestMailerOptions = {}): Promise<TestMailer> {
  const outbox: NormalizedMessage[] = [];
  const queued: MailError[] = [];
  let rule: FailureRule | undefined;
  const failWith: FailureRule = (message, attempt) => queued.shift() ?? rule?.(message, attempt);
  const mailer = await createMailer({
    retry: { attempts: 1 },
    ...options,
    from: options.from ?? "test@example.com",
    providers: { definition: memoryProvider(), config: { outbox, failWith } },
  });
  return Object.assign(mailer, {
    sent: outbox,
    failNext(error: MailError, times = 1) {
      for (let i = 0; i < times; i++) queued.push(error);
    },
    failWhen(next: FailureRule | undefined) {
      rule = next;
    },
    reset() {
      outbox.length = 0;
      queued.length = 0;
      rule = undefined;
    },
  });
}
