import type { MailError } from "./errors.js";
import type { NormalizedMessage } from "./message.js";

/** Fields every mailer event has. */
export interface MailEventBase {
  /** Provider id the attempt went to. */
  readonly provider: string;
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

/** Listeners for logging and metrics; a listener that throws is ignored. */
export interface MailerHooks {
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
