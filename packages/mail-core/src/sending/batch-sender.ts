import { isMailError, MailError } from "../errors/mail-error.js";
import type { NormalizedMessage } from "../message/message.js";
import type { SendResult } from "../providers/define-provider.js";
import { batchSize } from "./batch-plan.js";
import type { MailerSettings } from "./mailer-settings.js";
import { nextTurn } from "./next-turn.js";
import type { RequestSlots } from "./request-slots.js";
import { type ProviderLink, runAttempt, toMailError } from "./send-attempt.js";

/** Gathers one provider's attempts into batch requests. */
export interface BatchSender {
  /** Most messages in one of its requests. */
  readonly size: number;
  /** Adds attempt `attempt` of the message at `index` to the next batch; settles with its own entry. */
  add(index: number, message: NormalizedMessage, attempt: number): Promise<SendResult>;
}

/** What every batch of one `sendMany` shares. */
export interface BatchContext {
  readonly slots: RequestSlots;
  readonly settings: MailerSettings;
  readonly signal: AbortSignal | undefined;
  readonly beforeRequest: ((indexes: readonly number[]) => Promise<void>) | undefined;
}

interface Entry {
  readonly index: number;
  readonly message: NormalizedMessage;
  readonly attempt: number;
  resolve(result: SendResult): void;
  reject(error: MailError): void;
}

function miscountError(provider: string, answers: number, messages: number): MailError {
  return new MailError(
    "UNKNOWN",
    `${provider} answered ${answers} results for a batch of ${messages} messages, so it may or may not have accepted them`,
    { provider, retryable: false, outcomeUnknown: true },
  );
}

/** Sends one batch as one attempt (timeout, abort, `beforeRequest` with every index) and settles each entry. */
async function dispatch(link: ProviderLink, batch: readonly Entry[], shared: BatchContext): Promise<void> {
  const { settings, beforeRequest } = shared;
  const indexes = batch.map((entry) => entry.index);
  try {
    const answers = await runAttempt(
      link,
      // The transport's sendBatch awaits context.requestStarting() itself as its request leaves.
      (context) =>
        link.transport.sendBatch!(
          batch.map((entry) => entry.message),
          context,
        ),
      {
        attempt: Math.max(...batch.map((entry) => entry.attempt)),
        beforeRequest: beforeRequest && (() => beforeRequest(indexes)),
        timeoutMs: settings.timeoutMs,
        signal: shared.signal,
        clock: settings.clock,
      },
    );
    if (!Array.isArray(answers) || answers.length !== batch.length) {
      const error = toMailError(miscountError(link.id, answers?.length ?? 0, batch.length), link);
      for (const entry of batch) entry.reject(error);
      return;
    }
    batch.forEach((entry, i) => {
      const answer = answers[i];
      if (isMailError(answer)) entry.reject(toMailError(answer, link));
      else entry.resolve(answer as SendResult);
    });
  } catch (error) {
    for (const entry of batch) entry.reject(error as MailError);
  }
}

/**
 * A batch sender for `link`. An added attempt waits for a request slot, then for the event loop's next
 * turn (so the attempts added meanwhile join it), then goes out with up to `size` others; what is left
 * goes out at once in the slots free then, and the rest waits for the next slot.
 */
export function batchSender(link: ProviderLink, shared: BatchContext): BatchSender {
  const size = batchSize(link.transport);
  const queue: Entry[] = [];
  let pumping = false;
  const send = (batch: readonly Entry[]) => dispatch(link, batch, shared).finally(shared.slots.release);
  const pump = () => {
    if (pumping || queue.length === 0) return;
    pumping = true;
    shared.slots
      .acquire()
      .then(nextTurn)
      .then(() => {
        pumping = false;
        send(queue.splice(0, size));
        while (queue.length > 0 && shared.slots.tryAcquire()) send(queue.splice(0, size));
        pump();
      });
  };
  return {
    size,
    add(index, message, attempt) {
      return new Promise<SendResult>((resolve, reject) => {
        queue.push({ index, message, attempt, resolve, reject });
        pump();
      });
    },
  };
}
