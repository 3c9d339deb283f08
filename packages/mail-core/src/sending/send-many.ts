import { MailError } from "../errors/mail-error.js";
import type { MailAddress } from "../message/address.js";
import type { MailMessage } from "../message/message.js";
import { goesInBatch } from "./batch-plan.js";
import { type BatchSender, batchSender } from "./batch-sender.js";
import { forEachBounded } from "./bounded-each.js";
import type { SendPath } from "./failover.js";
import type { InFlight } from "./in-flight.js";
import type { SendManyOptions, SendManyResult, SendOptions } from "./mailer.js";
import { type RequestSlots, requestSlots } from "./request-slots.js";
import { abortedError, type ProviderLink } from "./send-attempt.js";
import { sendMessage } from "./send-message.js";
import { type SendRoute, sendAttempt } from "./send-through.js";

/** Requests in flight at once when `sendMany` is not told. */
export const DEFAULT_CONCURRENCY = 8;

/** What `sendMany` sends through: the mailer's path, default sender and in-flight tracking. */
export interface ManySender {
  readonly path: SendPath;
  readonly from: MailAddress;
  readonly inFlight: InFlight;
}

function checkedConcurrency(options: SendManyOptions): number {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new MailError("CONFIG", "concurrency must be a whole number of at least 1", {
      field: "concurrency",
    });
  }
  if (options.attempts !== undefined && (!Number.isInteger(options.attempts) || options.attempts < 1)) {
    throw new MailError("CONFIG", "attempts must be a whole number of at least 1");
  }
  return concurrency;
}

/** One `sendMany` call's request slots and its batch senders, one per provider that has `sendBatch`. */
interface ManyRun {
  readonly sender: ManySender;
  readonly options: SendManyOptions;
  readonly slots: RequestSlots;
  readonly batchers: ReadonlyMap<ProviderLink, BatchSender>;
  /** What each message's send is given (its `beforeRequest` is the route's). */
  readonly sendOptions: SendOptions;
}

/** How the message at `index` makes each attempt: in its provider's next batch, or alone in a slot. */
function routeFor(run: ManyRun, index: number): SendRoute {
  const { signal, beforeRequest } = run.options;
  const settings = run.sender.path.settings;
  const alone = { signal, beforeRequest: beforeRequest && (() => beforeRequest([index])) };
  return (link, message, attempt) => {
    const batcher = run.batchers.get(link);
    if (batcher !== undefined && goesInBatch(link.transport, message)) {
      return batcher.add(index, message, attempt);
    }
    return run.slots.run(() => sendAttempt(link, message, attempt, alone, settings));
  };
}

/** Sends the message at `index` as `send` would, its failure a result. */
async function sendOne(
  run: ManyRun,
  messages: readonly MailMessage[],
  index: number,
): Promise<SendManyResult> {
  const { sender, options } = run;
  const { signal } = options;
  if (signal?.aborted) return { ok: false, error: abortedError(undefined, signal.reason) };
  const path = { ...sender.path, route: routeFor(run, index) };
  try {
    const receipt = await sender.inFlight.run(() =>
      sendMessage(path, sender.from, messages[index]!, run.sendOptions),
    );
    return { ok: true, receipt };
  } catch (error) {
    return { ok: false, error: error as MailError };
  }
}

/**
 * Sends every message as `send` would and resolves with one result per message, in order. At most
 * `concurrency` requests are in flight; a provider with `sendBatch` gets its messages in batches, so as
 * many messages are under way as those requests can carry.
 */
export async function sendMany(
  sender: ManySender,
  messages: readonly MailMessage[],
  options: SendManyOptions = {},
): Promise<SendManyResult[]> {
  if (!Array.isArray(messages)) throw new MailError("CONFIG", "sendMany takes an array of messages");
  const concurrency = checkedConcurrency(options);
  const slots = requestSlots(concurrency);
  const shared = {
    slots,
    settings: sender.path.settings,
    signal: options.signal,
    beforeRequest: options.beforeRequest,
  };
  const batchers = new Map<ProviderLink, BatchSender>();
  for (const link of sender.path.links) {
    if (link.transport.sendBatch !== undefined) batchers.set(link, batchSender(link, shared));
  }
  const { signal, attempts } = options;
  const sendOptions = { ...(signal && { signal }), ...(attempts !== undefined && { attempts }) };
  const run: ManyRun = { sender, options, slots, batchers, sendOptions };
  const widest = Math.max(1, ...[...batchers.values()].map((batcher) => batcher.size));
  const results = new Array<SendManyResult>(messages.length);
  await forEachBounded(messages.length, concurrency * widest, async (index) => {
    results[index] = await sendOne(run, messages, index);
  });
  return results;
}
