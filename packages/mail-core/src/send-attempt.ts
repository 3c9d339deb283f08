import { transportFailure } from "./classify-http.js";
import type { Clock } from "./clock.js";
import type { MailTransport, RequestContext } from "./define-provider.js";
import { isMailError, MailError } from "./errors.js";
import { NO_SECRETS, redactMailError, type SecretPatterns, safeCause } from "./redact.js";

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
 * Rejects at once on abort or timeout, even when the vendor SDK ignores its signal.
 */
export async function runAttempt<T>(
  link: ProviderLink,
  request: (context: RequestContext) => Promise<T>,
  options: { attempt: number; timeoutMs: number; signal: AbortSignal | undefined; clock: Clock },
): Promise<T> {
  const { signal, clock } = options;
  if (signal?.aborted) throw abortedError(link.id, signal.reason);
  const controller = new AbortController();
  const stopTimer = new AbortController();
  const onCallerAbort = () => controller.abort(abortedError(link.id, signal?.reason));
  signal?.addEventListener("abort", onCallerAbort, { once: true });
  clock.sleep(options.timeoutMs, stopTimer.signal).then(
    () =>
      controller.abort(
        new MailError("TIMEOUT", `${link.id} did not answer within ${options.timeoutMs} ms`, {
          provider: link.id,
          outcomeUnknown: true,
        }),
      ),
    () => {},
  );
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
  });
  try {
    return await Promise.race([request({ signal: controller.signal, attempt: options.attempt }), aborted]);
  } catch (error) {
    throw toMailError(controller.signal.aborted ? controller.signal.reason : error, link);
  } finally {
    stopTimer.abort();
    signal?.removeEventListener("abort", onCallerAbort);
  }
}
