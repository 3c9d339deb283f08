import type { MailError } from "../errors/mail-error.js";
import type { NormalizedMessage } from "../message/message.js";

/**
 * Emitted once when `send` begins, before validation. The same object is `send` on every later event of
 * that send (attempts and the end), so a listener can key what it keeps per send on it (a `WeakMap`).
 */
export interface SendStartEvent {
  /** The providers this send may try, in the order it tries them (providers cooling down last). */
  readonly providers: readonly string[];
  /** Number of attachments; undefined when the message failed validation. */
  readonly attachments: number | undefined;
  /** Total attachment size in bytes; undefined when the message failed validation. */
  readonly attachmentBytes: number | undefined;
  /** The message, only when the mailer was created with `eventsIncludeMessage: true` (and it validated). */
  readonly message?: NormalizedMessage;
}

/** Emitted once when `send` settles, sent or failed, after its last attempt. */
export interface SendEndEvent {
  /** The send's start event. */
  readonly send: SendStartEvent;
  /** Time from the start of `send` to its end, retries and backoff included, in ms. */
  readonly durationMs: number;
  /** The provider that accepted the message and its message id, when it was sent. */
  readonly receipt?: { readonly provider: string; readonly messageId: string };
  /** The error `send` rejects with (redacted), when it failed. */
  readonly error?: MailError;
}

/** Fields every attempt event has. */
export interface MailEventBase {
  /** The start event of the send this attempt belongs to. */
  readonly send: SendStartEvent;
  /** Provider id the attempt went to. */
  readonly provider: string;
  /** Its position in `send.providers`: 0 for the first provider, 1 after one failover, … */
  readonly failover: number;
  /** 1 for the first request to this provider, 2 for its first retry, … */
  readonly attempt: number;
  /** The message, only when the mailer was created with `eventsIncludeMessage: true`. */
  readonly message?: NormalizedMessage;
}

/** Emitted before each request to a vendor. */
export type SendEvent = MailEventBase;

/** Emitted when a vendor accepted the message. */
export interface SentEvent extends MailEventBase {
  /** Time the accepted request took, in ms. */
  readonly durationMs: number;
  /** The vendor's message id. */
  readonly messageId: string;
}

/** Emitted when a request failed; `error` is already redacted. */
export interface SendErrorEvent extends MailEventBase {
  /** Time the failed request took, in ms. */
  readonly durationMs: number;
  /** What went wrong, with secrets masked. */
  readonly error: MailError;
  /** Whether the mailer will try the same provider again. */
  readonly willRetry: boolean;
}

/** Listeners for logging, metrics and traces; a listener that throws is ignored. */
export interface MailerHooks {
  /** When `send` begins (called synchronously in the caller's `send` call, so in its async context). */
  onSendStart?(event: SendStartEvent): void;
  /** When `send` settles, after every attempt and failover. */
  onSendEnd?(event: SendEndEvent): void;
  /** Before each request. */
  onSend?(event: SendEvent): void;
  /** After a vendor accepted the message. */
  onSent?(event: SentEvent): void;
  /** After a request failed. */
  onError?(event: SendErrorEvent): void;
}

/**
 * Calls a hook, swallowing anything it throws: observing a send must never break it. An async hook's
 * rejection is swallowed too, so it cannot surface as an unhandled rejection (which ends the process).
 */
export function emit<E>(hook: ((event: E) => void) | undefined, event: E): void {
  if (!hook) return;
  try {
    const result: unknown = hook(event);
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") {
      (result as PromiseLike<unknown>).then(undefined, () => {});
    }
  } catch {
    // A logging bug must not turn a sent e-mail into a failure.
  }
}
