import { isMailError, MailError } from "../errors/mail-error.js";
import { NO_SECRETS, redactMailError, type SecretPatterns, safeCause } from "../errors/redact.js";
import { transportFailure } from "../http/classify-http.js";
import type { MailTransport, RequestContext } from "../providers/define-provider.js";
import { type Clock, startTimer } from "./clock.js";

/** A provider as the mailer holds it: its transport plus what it needs to keep errors safe. */
export interface ProviderLink {
  /** Provider id. */
  readonly id: string;
  /** The live transport. */
  readonly transport: MailTransport;
  /** Secrets masked in every error this provider raises. */
  readonly secretPatterns: SecretPatterns;
  /** Vendor limit for attachments, in bytes. */
  readonly maxAttachmentBytes: number | undefined;
}

/**
 * Any failure from a provider as a MailError carrying the provider id, made safe in this one place that
 * every provider goes through: secrets masked first (cut-off echoes too), then control characters escaped,
 * then the text bounded, so a cut never splits a secret ({@link redactMailError}).
 */
export function toMailError(error: unknown, link: ProviderLink): MailError {
  let mailError: MailError;
  if (isMailError(error)) mailError = error;
  else {
    const message = error instanceof Error ? error.message : String(error);
    mailError =
      transportFailure(link.id, error) ??
      new MailError("UNKNOWN", `${link.id} failed: ${message}`, {
        provider: link.id,
        cause: error,
        outcomeUnknown: true,
      });
  }
  return redactMailError(mailError, link.secretPatterns, 0, link.id);
}

/** The error for a caller's abort. */
export function abortedError(provider: string | undefined, reason: unknown): MailError {
  return new MailError("ABORTED", "the send was aborted by the caller", {
    provider,
    retryable: false,
    cause: safeCause(reason, NO_SECRETS),
  });
}

/**
 * Runs one request (send or verify) with the caller's signal and a timeout on the injected clock.
 * Rejects at once on abort or timeout, even when the vendor SDK ignores its signal. One AbortController
 * per attempt, made when the request first reads `context.signal` (building one is most of an attempt's
 * cost for a provider that never reads it); when the request settles first, the timer is cleared and the
 * caller's signal let go, with nothing aborted.
 */
export function runAttempt<T>(
  link: ProviderLink,
  request: (context: RequestContext) => Promise<T>,
  options: {
    attempt: number;
    timeoutMs: number;
    signal: AbortSignal | undefined;
    clock: Clock;
    beforeRequest?: (() => Promise<void>) | undefined;
  },
): Promise<T> {
  const { signal, timeoutMs } = options;
  if (signal?.aborted) return Promise.reject(abortedError(link.id, signal.reason));
  let controller: AbortController | undefined;
  // Why the attempt was aborted, kept for a signal first read after the abort: it is born aborted.
  let abortReason: MailError | undefined;
  let starting: Promise<void> | undefined;
  // The caller's refusal, which fails the attempt as it is, whatever the transport or its SDK made of it.
  let refusal: { readonly error: unknown } | undefined;
  const { beforeRequest } = options;
  const context: RequestContext = {
    attempt: options.attempt,
    // Once per attempt, however often a transport calls it.
    requestStarting: () =>
      (starting ??= beforeRequest
        ? beforeRequest().catch((error: unknown) => {
            refusal = { error };
            throw error;
          })
        : Promise.resolve()),
    get signal() {
      if (controller === undefined) {
        controller = new AbortController();
        if (abortReason !== undefined) controller.abort(abortReason);
      }
      return controller.signal;
    },
  };
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const end = () => {
      settled = true;
      stopTimer();
      signal?.removeEventListener("abort", onCallerAbort);
    };
    const fail = (reason: unknown) => {
      if (settled) return;
      end();
      reject(toMailError(reason, link));
    };
    // The request sees the reason on its signal; the caller gets it at once, whatever the request does.
    const abortWith = (reason: MailError) => {
      if (settled) return;
      abortReason = reason;
      controller?.abort(reason);
      fail(reason);
    };
    const onCallerAbort = () => abortWith(abortedError(link.id, signal?.reason));
    const stopTimer = startTimer(options.clock, timeoutMs, () =>
      abortWith(
        new MailError("TIMEOUT", `${link.id} did not answer within ${timeoutMs} ms`, {
          provider: link.id,
          outcomeUnknown: true,
        }),
      ),
    );
    signal?.addEventListener("abort", onCallerAbort, { once: true });
    let pending: Promise<T>;
    try {
      pending = request(context);
    } catch (error) {
      fail(error);
      return;
    }
    pending.then(
      (value) => {
        if (settled) return;
        end();
        resolve(value);
      },
      (error: unknown) => fail(abortReason ?? (refusal ? refusal.error : error)),
    );
  });
}
