import { MailError } from "./errors.js";

const MASK = "[redacted]";

/**
 * The base64 runs that encode `secret` wherever it sits in a longer value, as in HTTP Basic auth
 * (`base64("user:" + secret)`): base64 maps 3 bytes to 4 characters, so the secret's characters depend on
 * its byte offset modulo 3. For each offset, keep only the characters made from the secret's bits alone.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const forms = [bytes.toString("base64").replace(/=+$/, "")];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes])
      .toString("base64")
      .replace(/=+$/, "");
    const first = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    forms.push(encoded.slice(first, end));
  }
  return forms.filter((form) => form.length >= 4);
}

/** The strings to hide for a set of secrets: each value, its URL-encoded and its base64 forms. */
export function secretPatterns(secrets: Iterable<string | undefined>): string[] {
  const patterns = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    patterns.add(secret);
    for (const form of base64Forms(secret)) patterns.add(form);
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
  copy.name = redactText(String(cause.name), patterns);
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
