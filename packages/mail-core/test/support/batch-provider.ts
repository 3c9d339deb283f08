// A provider with (or without) a batch call, for sendMany's tests: every request is recorded with the
// subjects it carried, each message is answered by a rule, and a test may hold requests open to count
// how many are in flight at once.
import { MailError, type NormalizedMessage } from "../../src/index.js";
import { defineProvider, type MailTransport, type SendResult } from "../../src/provider.js";

/** One request as the transport saw it. */
export interface BatchRequest {
  readonly kind: "send" | "batch";
  readonly subjects: readonly string[];
  readonly keys: readonly (string | undefined)[];
  readonly attempt: number;
}

/** How a message is answered: accepted, or refused with this error for it alone. */
export type Answer = (message: NormalizedMessage, attempt: number) => "ok" | MailError;

export interface BatchProviderOptions {
  /** Give the transport `sendBatch` (default true). */
  readonly batch?: boolean;
  readonly maxBatchSize?: number;
  readonly canBatch?: (message: NormalizedMessage) => boolean;
  readonly answer?: Answer;
  /** What the n-th batch request (from 1) throws instead of answering per message; undefined: it answers. */
  readonly batchThrows?: (call: number) => unknown;
  /** Changes the batch's answers before they are returned (to return too few, say). */
  readonly mangle?: (answers: (SendResult | MailError)[]) => unknown;
  /** Awaited inside every request before it answers (a test holds requests open with it). */
  readonly hold?: (subjects: readonly string[]) => Promise<void>;
}

export function batchProvider(id: string, options: BatchProviderOptions = {}) {
  const requests: BatchRequest[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  let sent = 0;
  let batchCalls = 0;
  const answer = options.answer ?? (() => "ok");
  const record = (kind: BatchRequest["kind"], messages: readonly NormalizedMessage[], attempt: number) =>
    requests.push({
      kind,
      attempt,
      subjects: messages.map((message) => message.subject),
      keys: messages.map((message) => message.idempotencyKey),
    });
  const one = (message: NormalizedMessage, attempt: number): SendResult | MailError => {
    const outcome = answer(message, attempt);
    if (outcome !== "ok") return outcome;
    sent += 1;
    return { messageId: `${id}-${message.subject}-${sent}` };
  };
  const held = async <T>(messages: readonly NormalizedMessage[], work: () => T): Promise<T> => {
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    try {
      await options.hold?.(messages.map((message) => message.subject));
      return work();
    } finally {
      inFlight -= 1;
    }
  };
  const transport: MailTransport = {
    async send(message, context) {
      await context.requestStarting();
      record("send", [message], context.attempt);
      const result = await held([message], () => one(message, context.attempt));
      if (result instanceof MailError) throw result;
      return result;
    },
    async verify() {},
  };
  const batching: Partial<MailTransport> = {
    async sendBatch(messages, context) {
      await context.requestStarting();
      record("batch", messages, context.attempt);
      const thrown = options.batchThrows?.(++batchCalls);
      return held(messages, () => {
        if (thrown !== undefined) throw thrown;
        const answers = messages.map((message) => one(message, context.attempt));
        return (options.mangle ? options.mangle(answers) : answers) as (SendResult | MailError)[];
      });
    },
    ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
    ...(options.canBatch === undefined ? {} : { canBatch: options.canBatch }),
  };
  const definition = defineProvider<object>({
    id,
    label: id,
    env: [],
    configFromEnv: () => ({}),
    create: () => (options.batch === false ? transport : { ...transport, ...batching }),
  });
  return {
    requests,
    setup: { definition, config: {} },
    get mostInFlight() {
      return mostInFlight;
    },
  };
}

/** `n` messages whose subjects are `m0` … `m<n-1>`. */
export function messages(n: number, extra: Record<string, unknown> = {}) {
  return Array.from({ length: n }, (_, i) => ({
    to: "ann@example.com",
    subject: `m${i}`,
    text: "Hi",
    ...extra,
  }));
}
