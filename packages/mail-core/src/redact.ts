import { MailError } from "./errors.js";

const MASK = "[redacted]";

/** The strings to hide for a set of secrets: each value, and its base64 forms as in HTTP Basic auth. */
export function secretPatterns(secrets: Iterable<string | undefined>): string[] {
  const patterns = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    patterns.add(secret);
    patterns.add(Buffer.from(secret).toString("base64").replace(/=+$/, ""));
    patterns.add(encodeURIComponent(secret));
  }
  return [...patterns].sort((a, b) => b.length - a.length);
}

/** Replaces every secret pattern in `text`. */
export function redactText(text: string, patterns: readonly string[]): string {
  let result = text;
  for (const pattern of patterns) result = result.split(pattern).join(MASK);
  return result;
}

const KEPT_PROPERTIES = ["code", "errno", "syscall", "status", "statusCode", "responseCode", "type"] as const;

/**
 * A copy of an SDK error that is safe to keep: name, message, stack and a few scalar fields, with secrets
 * masked. SDK errors carry request configs with auth headers, so the original is never kept.
 */
export function safeCause(cause: unknown, patterns: readonly string[], depth = 0): unknown {
  if (cause === undefined || cause === null) return undefined;
  if (!(cause instanceof Error)) {
    return typeof cause === "object" ? undefined : redactText(String(cause), patterns);
  }
  if (cause instanceof MailError) return redactMailError(cause, patterns, depth);
  const copy = new Error(
    redactText(cause.message, patterns),
    depth < 3 && cause.cause !== undefined
      ? { cause: safeCause(cause.cause, patterns, depth + 1) }
      : undefined,
  );
  copy.name = cause.name;
  if (cause.stack !== undefined) copy.stack = redactText(cause.stack, patterns);
  for (const key of KEPT_PROPERTIES) {
    const value = (cause as unknown as Record<string, unknown>)[key];
    if (typeof value === "string")
      (copy as unknown as Record<string, unknown>)[key] = redactText(value, patterns);
    else if (typeof value === "number") (copy as unknown as Record<string, unknown>)[key] = value;
  }
  return copy;
}

/** A MailError with secrets masked in its message and stack, and its cause replaced by {@link safeCause}. */
export function redactMailError(error: MailError, patterns: readonly string[], depth = 0): MailError {
  const copy = new MailError(error.code, redactText(error.message, patterns), {
    provider: error.provider,
    retryable: error.retryable,
    status: error.status,
    retryAfterMs: error.retryAfterMs,
    outcomeUnknown: error.outcomeUnknown,
    field: error.field,
    errors: error.errors.map((inner) => redactMailError(inner, patterns, depth + 1)),
    cause: depth < 3 ? safeCause(error.cause, patterns, depth + 1) : undefined,
  });
  if (error.stack !== undefined) copy.stack = redactText(error.stack, patterns);
  return copy;
}
