import { validateConfig, validateMailerOptions } from "../configuration/config-schema.js";
import { isMailError, MailError } from "../errors/mail-error.js";
import { safeCause, secretPatterns } from "../errors/redact.js";
import { type AddressInput, type MailAddress, parseAddress } from "../message/address.js";
import {
  attachmentBytes,
  type MailMessage,
  type NormalizedMessage,
  normalizeMessage,
} from "../message/message.js";
import type { ProviderContext, ProviderDefinition } from "../providers/define-provider.js";
import { type Clock, systemClock } from "./clock.js";
import { emit, type MailerHooks, type SendStartEvent } from "./events.js";
import { backoffDelay, canSendAgain, type RetryOptions, retryPolicy } from "./retry-policy.js";
import { abortedError, type ProviderLink, runAttempt, toMailError } from "./send-attempt.js";

/** A provider definition with its config, ready to become part of a mailer. */
export interface ProviderSetup<Config = unknown> {
  /** The provider. */
  readonly definition: ProviderDefinition<Config>;
  /** Its config (what `configFromEnv` returns, or your own); checked against the definition's `config` schema. */
  readonly config: NoInfer<Config>;
  /** Extra strings to mask in its errors (the env's secret values). */
  readonly secrets?: readonly string[];
}

/** Behaviour shared by every mailer, however it was made. */
export interface MailerOptions {
  /** Per-request timeout in ms. Default 30 000. */
  readonly timeoutMs?: number;
  /** Retry policy; `MAIL_RETRY_ATTEMPTS` sets `attempts` for env mailers. */
  readonly retry?: RetryOptions;
  /** How long a provider that failed with a transient error is tried last, in ms. Default 30 000. */
  readonly cooldownMs?: number;
  /** Event listeners. */
  readonly hooks?: MailerHooks;
  /** Put the normalized message in events (it may hold personal data). Default false. */
  readonly eventsIncludeMessage?: boolean;
  /** Clock for timeouts, backoff and cool-downs. */
  readonly clock?: Clock;
  /** Random source in [0, 1) for backoff jitter. */
  readonly random?: () => number;
}

/** Several provider setups, each typed by its own definition's config. */
export type ProviderSetups<Configs extends readonly unknown[]> = {
  readonly [I in keyof Configs]: ProviderSetup<Configs[I]>;
};

/**
 * Options of {@link createMailer}. Written inline, each setup's `config` is checked against its
 * definition's config type, so a misspelt property fails to compile.
 */
// biome-ignore lint/suspicious/noExplicitAny: the defaults accept setups of any config type.
export interface CreateMailerOptions<Config = any, Configs extends readonly unknown[] = any[]>
  extends MailerOptions {
  /** Default sender. */
  readonly from: AddressInput;
  /** One provider, or several in failover order. */
  readonly providers: ProviderSetup<Config> | ProviderSetups<Configs>;
}

/** Per-send options. */
export interface SendOptions {
  /** Cancels the send; it then rejects with `ABORTED` at once. */
  readonly signal?: AbortSignal;
  /** Most requests to each provider for this send, overriding `retry.attempts` (1: the caller, e.g. a queue, retries). */
  readonly attempts?: number;
}

/** What a successful send returns. */
export interface SendReceipt {
  /** The provider that accepted the message. */
  readonly provider: string;
  /** That vendor's message id. */
  readonly messageId: string;
}

/** Sends e-mail through one provider, or several in failover order. */
export interface Mailer {
  /** Id of the first provider. */
  readonly provider: string;
  /** Every provider, in failover order. */
  readonly providers: readonly string[];
  /** Default sender. */
  readonly from: MailAddress;
  /** Validates and sends a message; rejects with a `MailError`. */
  send(message: MailMessage, options?: SendOptions): Promise<SendReceipt>;
  /** Checks every provider's credentials and connection; rejects with the first `MailError`. */
  verify(options?: SendOptions): Promise<void>;
  /** Forgets which providers failed recently. */
  resetCooldowns(): void;
  /**
   * Refuses new sends and verifies at once, lets those already started finish (retries included), then
   * closes every provider's connections; resolves when all are closed. Calling it again returns the same promise.
   */
  close(): Promise<void>;
  /** `close()`, for `await using mailer = await createMailer(…)`. */
  [Symbol.asyncDispose](): Promise<void>;
}

// The next provider would refuse the message just the same, or the caller asked to stop. A send-time
// CONFIG error (STARTTLS missing, no AWS credentials) is a fault of this provider alone: fail over.
const NO_FAILOVER = new Set(["INVALID_MESSAGE", "UNSUPPORTED", "ABORTED"]);

function closedError(): MailError {
  return new MailError("ABORTED", "the mailer is closed: nothing was sent", { retryable: false });
}

// A 2xx that is not the vendor's success (a captive portal, a wrong URL) reaches here without an id.
function noMessageIdError(provider: string): MailError {
  return new MailError(
    "UNKNOWN",
    `${provider} answered without a message id, so it may or may not have accepted the message`,
    { provider, retryable: false, outcomeUnknown: true },
  );
}

async function createLink(setup: ProviderSetup<unknown>, context: ProviderContext): Promise<ProviderLink> {
  const { definition, config } = setup;
  validateConfig(definition, config);
  const configSecrets = (definition.secretKeys ?? []).map((key) => (config as Record<string, unknown>)[key]);
  const patterns = secretPatterns([
    ...(setup.secrets ?? []),
    ...configSecrets.filter((value): value is string => typeof value === "string"),
  ]);
  const link = {
    id: definition.id,
    secretPatterns: patterns,
    maxAttachmentBytes: definition.maxAttachmentBytes,
  };
  try {
    return { ...link, transport: await definition.create(config, context) };
  } catch (error) {
    const failure = toMailError(error, { ...link, transport: undefined as never });
    throw isMailError(error)
      ? failure
      : new MailError("CONFIG", failure.message, { provider: link.id, cause: failure });
  }
}

function failoverError(errors: readonly MailError[], stoppedBecause?: string): MailError {
  const last = errors.at(-1)!;
  const summary = errors.map((error) => `${error.provider}: ${error.message}`).join("; ");
  return new MailError(last.code, `${stoppedBecause ?? "every provider failed"} (${summary})`, {
    provider: last.provider,
    retryable: last.retryable,
    status: last.status,
    retryAfterMs: last.retryAfterMs,
    outcomeUnknown: errors.some((error) => error.outcomeUnknown),
    errors,
  });
}

/** Builds a mailer from provider definitions and configs you already have (no environment). */
export async function createMailer<Config, const Configs extends readonly unknown[]>(
  options: CreateMailerOptions<Config, Configs>,
): Promise<Mailer> {
  validateMailerOptions(options);
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const policy = retryPolicy({}, options.retry);
  const hooks = options.hooks ?? {};
  // Without a listener, a send builds no event object at all.
  const observed =
    hooks.onSendStart !== undefined ||
    hooks.onSendEnd !== undefined ||
    hooks.onSend !== undefined ||
    hooks.onSent !== undefined ||
    hooks.onError !== undefined;
  let from: MailAddress;
  try {
    from = parseAddress(options.from, "from");
  } catch (error) {
    throw new MailError("CONFIG", "the default sender is not a valid address", { cause: error });
  }
  const setups = (
    Array.isArray(options.providers) ? options.providers : [options.providers]
  ) as ProviderSetup[];
  if (setups.length === 0) throw new MailError("CONFIG", "a mailer needs at least one provider");
  const context: ProviderContext = { timeoutMs, now: () => clock.now() };
  const created = await Promise.allSettled(setups.map((setup) => createLink(setup, context)));
  const failed = created.find((result) => result.status === "rejected");
  if (failed) {
    // Release what the other providers already opened (an SMTP pool) before reporting the failure.
    await Promise.allSettled(
      created.map((result) => (result.status === "fulfilled" ? result.value.transport.close?.() : undefined)),
    );
    throw failed.reason;
  }
  const links = created.map((result) => (result as PromiseFulfilledResult<ProviderLink>).value);
  const coolingUntil = new Map<string, number>();

  async function sendThrough(
    link: ProviderLink,
    failover: number,
    message: NormalizedMessage,
    started: number,
    signal: AbortSignal | undefined,
    attempts: number,
    send: SendStartEvent | undefined,
  ) {
    if (link.maxAttachmentBytes !== undefined && attachmentBytes(message) > link.maxAttachmentBytes) {
      throw new MailError(
        "UNSUPPORTED",
        `attachments total ${attachmentBytes(message)} bytes; ${link.id} accepts at most ${link.maxAttachmentBytes}`,
        { provider: link.id, field: "attachments" },
      );
    }
    const withMessage = options.eventsIncludeMessage ? { message } : undefined;
    for (let attempt = 1; ; attempt++) {
      const base = send && { send, provider: link.id, failover, attempt, ...withMessage };
      if (base) emit(hooks.onSend, base);
      const attemptStarted = clock.now();
      try {
        const result = await runAttempt(link, (context) => link.transport.send(message, context), {
          attempt,
          timeoutMs,
          signal,
          clock,
        });
        if (typeof result?.messageId !== "string" || result.messageId.trim() === "") {
          throw noMessageIdError(link.id);
        }
        if (base) {
          emit(hooks.onSent, {
            ...base,
            durationMs: clock.now() - attemptStarted,
            messageId: result.messageId,
          });
        }
        return { provider: link.id, messageId: result.messageId };
      } catch (caught) {
        const error = caught as MailError;
        const delay = backoffDelay(policy, attempt, error, random);
        const willRetry =
          attempt < attempts &&
          canSendAgain(error, message.idempotencyKey !== undefined) &&
          clock.now() + delay - started <= policy.deadlineMs;
        if (base)
          emit(hooks.onError, { ...base, durationMs: clock.now() - attemptStarted, error, willRetry });
        if (!willRetry) throw error;
        try {
          await clock.sleep(delay, signal);
        } catch (reason) {
          throw abortedError(link.id, reason);
        }
      }
    }
  }

  const ids = (order: readonly ProviderLink[]) => order.map((link) => link.id);

  function inFailoverOrder(): readonly ProviderLink[] {
    // Nothing cooling down (the usual case): the configured order, without copying it on every send.
    if (coolingUntil.size === 0) return links;
    const now = clock.now();
    const cooling = (link: ProviderLink) => (coolingUntil.get(link.id) ?? 0) > now;
    return [...links.filter((link) => !cooling(link)), ...links.filter(cooling)];
  }

  async function sendMessage(input: MailMessage, sendOptions: SendOptions): Promise<SendReceipt> {
    if (!observed) return deliver(normalizeMessage(input, from), inFailoverOrder(), sendOptions, undefined);
    const startedAt = clock.now();
    let message: NormalizedMessage;
    try {
      message = normalizeMessage(input, from);
    } catch (error) {
      const send = { providers: ids(inFailoverOrder()), attachments: undefined, attachmentBytes: undefined };
      emit(hooks.onSendStart, send);
      emit(hooks.onSendEnd, { send, durationMs: clock.now() - startedAt, error: error as MailError });
      throw error;
    }
    const order = inFailoverOrder();
    const send: SendStartEvent = {
      providers: ids(order),
      attachments: message.attachments.length,
      attachmentBytes: attachmentBytes(message),
      ...(options.eventsIncludeMessage ? { message } : undefined),
    };
    emit(hooks.onSendStart, send);
    try {
      const receipt = await deliver(message, order, sendOptions, send);
      emit(hooks.onSendEnd, { send, durationMs: clock.now() - startedAt, receipt });
      return receipt;
    } catch (error) {
      emit(hooks.onSendEnd, { send, durationMs: clock.now() - startedAt, error: error as MailError });
      throw error;
    }
  }

  async function deliver(
    message: NormalizedMessage,
    order: readonly ProviderLink[],
    sendOptions: SendOptions,
    send: SendStartEvent | undefined,
  ): Promise<SendReceipt> {
    const attempts = sendOptions.attempts ?? policy.attempts;
    if (!Number.isInteger(attempts) || attempts < 1) {
      throw new MailError("CONFIG", "attempts must be a whole number of at least 1");
    }
    const hasKey = message.idempotencyKey !== undefined;
    const errors: MailError[] = [];
    // The retry deadline counts from here, across every provider of the chain.
    const started = clock.now();
    for (let failover = 0; failover < order.length; failover++) {
      const link = order[failover]!;
      try {
        const receipt = await sendThrough(
          link,
          failover,
          message,
          started,
          sendOptions.signal,
          attempts,
          send,
        );
        coolingUntil.delete(link.id);
        return receipt;
      } catch (caught) {
        const error = caught as MailError;
        errors.push(error);
        if (links.length === 1) throw error;
        if (NO_FAILOVER.has(error.code)) throw errors.length === 1 ? error : failoverError(errors);
        if (error.retryable) coolingUntil.set(link.id, clock.now() + cooldownMs);
        if (error.outcomeUnknown && !hasKey) {
          throw failoverError(
            errors,
            `${link.id} may have accepted the message; not failing over without an idempotencyKey`,
          );
        }
      }
    }
    throw failoverError(errors);
  }

  // Sends and verifies under way; close() waits for them before it closes the transports.
  let busy = 0;
  let idle: (() => void) | undefined;
  let closing: Promise<void> | undefined;
  const done = () => {
    busy -= 1;
    if (busy === 0) idle?.();
  };

  async function closeTransports(): Promise<void> {
    if (busy > 0) await new Promise<void>((resolve) => (idle = resolve));
    const results = await Promise.allSettled(links.map(async (link) => link.transport.close?.()));
    const index = results.findIndex((result) => result.status === "rejected");
    if (index >= 0) {
      const link = links[index]!;
      throw new MailError("UNKNOWN", `${link.id} failed to close its connections`, {
        provider: link.id,
        cause: safeCause((results[index] as PromiseRejectedResult).reason, link.secretPatterns),
      });
    }
  }

  function close(): Promise<void> {
    closing ??= closeTransports();
    return closing;
  }

  return {
    provider: links[0]!.id,
    providers: links.map((link) => link.id),
    from,
    async send(input, sendOptions = {}) {
      if (closing) throw closedError();
      busy += 1;
      try {
        return await sendMessage(input, sendOptions);
      } finally {
        done();
      }
    },
    async verify(verifyOptions = {}) {
      if (closing) throw closedError();
      busy += 1;
      try {
        for (const link of links) {
          await runAttempt(link, (context) => link.transport.verify(context), {
            attempt: 1,
            timeoutMs,
            signal: verifyOptions.signal,
            clock,
          });
        }
      } finally {
        done();
      }
    },
    resetCooldowns() {
      coolingUntil.clear();
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
