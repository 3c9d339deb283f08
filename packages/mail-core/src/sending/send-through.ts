import { MailError } from "../errors/mail-error.js";
import { attachmentBytes, type NormalizedMessage } from "../message/message.js";
import type { SendResult } from "../providers/define-provider.js";
import { emit, type SendStartEvent } from "./events.js";
import type { SendReceipt } from "./mailer.js";
import type { MailerSettings } from "./mailer-settings.js";
import { backoffDelay, canSendAgain } from "./retry-policy.js";
import { abortedError, type ProviderLink, runAttempt } from "./send-attempt.js";

/** One send, as every provider it goes through sees it. */
export interface SendRun {
  /** The message, validated. */
  readonly message: NormalizedMessage;
  /** When delivery began: the retry deadline counts from here, across every provider of the chain. */
  readonly started: number;
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
  /** Most requests to each provider. */
  readonly attempts: number;
  /** The send's start event, when a hook listens. */
  readonly event: SendStartEvent | undefined;
  /** The caller's `beforeRequest`, which each attempt's transport awaits as `requestStarting`. */
  readonly beforeRequest: (() => Promise<void>) | undefined;
  /** How each attempt's request is made, when not by {@link sendAttempt} (`sendMany` batches them). */
  readonly route: SendRoute | undefined;
}

/** Makes attempt number `attempt` of sending `message` through `link`; rejects with a redacted `MailError`. */
export type SendRoute = (
  link: ProviderLink,
  message: NormalizedMessage,
  attempt: number,
) => Promise<SendResult>;

// A 2xx that is not the vendor's success (a captive portal, a wrong URL) reaches here without an id.
function noMessageIdError(provider: string): MailError {
  return new MailError(
    "UNKNOWN",
    `${provider} answered without a message id, so it may or may not have accepted the message`,
    { provider, retryable: false, outcomeUnknown: true },
  );
}

/** One attempt of `message` through `link` alone, under the run's signal and the mailer's timeout. */
export function sendAttempt(
  link: ProviderLink,
  message: NormalizedMessage,
  attempt: number,
  run: Pick<SendRun, "signal" | "beforeRequest">,
  settings: MailerSettings,
): Promise<SendResult> {
  return runAttempt(link, (context) => link.transport.send(message, context), {
    attempt,
    beforeRequest: run.beforeRequest,
    timeoutMs: settings.timeoutMs,
    signal: run.signal,
    clock: settings.clock,
  });
}

function refuseOversizedAttachments(link: ProviderLink, message: NormalizedMessage): void {
  if (link.maxAttachmentBytes !== undefined && attachmentBytes(message) > link.maxAttachmentBytes) {
    throw new MailError(
      "UNSUPPORTED",
      `attachments total ${attachmentBytes(message)} bytes; ${link.id} accepts at most ${link.maxAttachmentBytes}`,
      { provider: link.id, field: "attachments" },
    );
  }
}

/**
 * Sends through one provider (`failover` is its place in this send's order), retrying a failure that may
 * pass on a later attempt within the attempts and the deadline; each attempt is told to the hooks.
 */
export async function sendThrough(
  link: ProviderLink,
  failover: number,
  run: SendRun,
  settings: MailerSettings,
): Promise<SendReceipt> {
  const { message, event, signal } = run;
  const { clock, hooks, policy } = settings;
  refuseOversizedAttachments(link, message);
  const withMessage = settings.eventsIncludeMessage ? { message } : undefined;
  for (let attempt = 1; ; attempt++) {
    const base = event && { send: event, provider: link.id, failover, attempt, ...withMessage };
    if (base) emit(hooks.onSend, base);
    const attemptStarted = clock.now();
    try {
      const result = await (run.route
        ? run.route(link, message, attempt)
        : sendAttempt(link, message, attempt, run, settings));
      if (typeof result?.messageId !== "string" || result.messageId.trim() === "") {
        throw noMessageIdError(link.id);
      }
      if (base)
        emit(hooks.onSent, {
          ...base,
          durationMs: clock.now() - attemptStarted,
          messageId: result.messageId,
        });
      return { provider: link.id, messageId: result.messageId };
    } catch (caught) {
      const error = caught as MailError;
      const delay = backoffDelay(policy, attempt, error, settings.random);
      const willRetry =
        attempt < run.attempts &&
        canSendAgain(error, message.idempotencyKey !== undefined) &&
        clock.now() + delay - run.started <= policy.deadlineMs;
      if (base) emit(hooks.onError, { ...base, durationMs: clock.now() - attemptStarted, error, willRetry });
      if (!willRetry) throw error;
      try {
        await clock.sleep(delay, signal);
      } catch (reason) {
        throw abortedError(link.id, reason);
      }
    }
  }
}
