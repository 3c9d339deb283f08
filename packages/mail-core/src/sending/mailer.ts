import type { MailError } from "../errors/mail-error.js";
import type { AddressInput, MailAddress } from "../message/address.js";
import type { MailMessage } from "../message/message.js";
import type { ProviderDefinition } from "../providers/define-provider.js";
import type { SuppressedRecipient, SuppressionCheck } from "../suppression/suppression-check-options.js";
import type { Clock } from "./clock.js";
import type { MailerHooks } from "./events.js";
import type { RetryOptions } from "./retry-policy.js";

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
  /** Check every recipient against a suppression list before any provider is called. */
  readonly suppression?: SuppressionCheck;
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
  /**
   * Awaited before each request goes to a vendor, at the last moment: once the provider holds a connection
   * and before the request's first byte (a request that fails earlier never runs it). A rejection fails that
   * attempt with it, nothing sent (a queue marks a send as possibly accepted here).
   */
  readonly beforeRequest?: () => Promise<void>;
}

/** Options of `sendMany`. */
export interface SendManyOptions {
  /** Cancels what is not yet sent: those messages get `ABORTED` results at once. */
  readonly signal?: AbortSignal;
  /** Most requests to each provider for each message, overriding `retry.attempts` (as in {@link SendOptions}). */
  readonly attempts?: number;
  /** Requests in flight at once (a batch request counts as one). Default 8. */
  readonly concurrency?: number;
  /**
   * Awaited before each request goes to a vendor, with the indexes (in `messages`) of the messages it
   * carries; a rejection fails that attempt of each of them, nothing sent (a queue marks them possibly accepted).
   */
  readonly beforeRequest?: (indexes: readonly number[]) => Promise<void>;
}

/** One message's outcome in `sendMany`, at the message's index: its receipt, or the error `send` would reject with. */
export type SendManyResult =
  | { readonly ok: true; readonly receipt: SendReceipt }
  | { readonly ok: false; readonly error: MailError };

/** What a successful send returns. */
export interface SendReceipt {
  /** The provider that accepted the message. */
  readonly provider: string;
  /** That vendor's message id. */
  readonly messageId: string;
  /** Recipients left out as suppressed (with `suppression.partly: "send-to-rest"`); absent when none were. */
  readonly suppressed?: readonly SuppressedRecipient[];
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
  /**
   * Sends each message as `send` would (validation, suppression, retries, failover, hooks), batching them
   * into the vendor's batch requests where the provider has one; resolves with one result per message, in
   * order, and never rejects for a message's failure (only for invalid `options`, with `CONFIG`).
   */
  sendMany(messages: readonly MailMessage[], options?: SendManyOptions): Promise<SendManyResult[]>;
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
