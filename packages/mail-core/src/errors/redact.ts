import { MailError } from "./mail-error.js";
import { escapeAndShorten, MAX_ERROR_TEXT } from "./vendor-text.js";

const MASK = "[redacted]";

/** Secrets shorter than this are masked only where they stand as a whole token. */
const SHORT_SECRET = 4;

/** A cut-off echo of a secret is masked once this many of its first (or last) characters remain. */
export const PARTIAL_ECHO_MIN = 8;

/** Longest base64 token decoded to look for a short secret inside (a Basic or SASL credential). */
const MAX_TOKEN = 256;

/** Most characters kept of an error's name, and of a scalar field copied from an SDK error. */
const MAX_NAME = 100;
const MAX_FIELD = 200;

/** Most stack frames kept, and most characters of each. */
const MAX_FRAMES = 30;
const MAX_FRAME = 300;

/** What to mask for one provider's secrets; built once by {@link secretPatterns}. */
export interface SecretPatterns {
  /** Strings masked wherever they occur, longest first: secrets of 4+ characters and their encodings. */
  readonly exact: readonly string[];
  /** Secrets of 1 to 3 characters (and their URL encodings), masked only as whole tokens. */
  readonly tokens: readonly string[];
}

/** No secrets: still escapes and bounds text. */
export const NO_SECRETS: SecretPatterns = { exact: [], tokens: [] };

/**
 * The base64 runs that encode `secret` wherever it sits in a longer value, as in HTTP Basic auth
 * (`base64("user:" + secret)`): base64 maps 3 bytes to 4 characters, so the secret's characters depend on
 * its byte offset modulo 3. For each offset, keep only the characters made from the secret's bits alone.
 */
function base64Forms(secret: string): string[] {
  const forms: string[] = [];
  for (const offset of [0, 1, 2]) {
    // The secret's UTF-8 bytes after `offset` zero bytes (NUL is one byte in UTF-8): one Buffer.from,
    // where Buffer.alloc + Buffer.concat cost a cold start a fraction of a millisecond more.
    const bytes = Buffer.from("\0".repeat(offset) + secret);
    const encoded = bytes.toString("base64").replace(/=+$/, "");
    if (offset === 0) forms.push(encoded);
    const first = Math.ceil((offset * 8) / 6);
    const end = Math.floor((bytes.length * 8) / 6);
    forms.push(encoded.slice(first, end));
  }
  return forms.filter((form) => form.length >= SHORT_SECRET);
}

/**
 * What to hide for a set of secrets: each value of 4 or more characters with its URL-encoded and base64
 * forms, masked wherever they occur; shorter values (and their URL encodings) as whole tokens only.
 */
export function secretPatterns(secrets: Iterable<string | undefined>): SecretPatterns {
  const exact = new Set<string>();
  const tokens = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    if (secret.length < SHORT_SECRET) {
      tokens.add(secret);
      tokens.add(encodeURIComponent(secret));
      continue;
    }
    exact.add(secret);
    for (const form of base64Forms(secret)) exact.add(form);
    exact.add(encodeURIComponent(secret));
  }
  return {
    exact: [...exact].sort((a, b) => b.length - a.length),
    tokens: [...tokens].sort((a, b) => b.length - a.length),
  };
}

type Range = readonly [start: number, end: number];

/** `text` with each range (sorted or not, possibly overlapping) replaced by one mask. */
function maskRanges(text: string, ranges: Range[]): string {
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  let result = "";
  let at = 0;
  for (const [start, end] of ranges) {
    if (end <= at) continue;
    if (start >= at) result += `${text.slice(at, start)}${MASK}`;
    at = end;
  }
  return result + text.slice(at);
}

/**
 * The runs of `text` that are what is left of a secret cut short: its first or its last
 * {@link PARTIAL_ECHO_MIN} or more characters (a vendor or SDK that shortened its answer mid-key).
 */
function partialEchoes(text: string, forms: readonly string[]): Range[] {
  const ranges: Range[] = [];
  for (const form of forms) {
    if (form.length <= PARTIAL_ECHO_MIN) continue;
    const head = form.slice(0, PARTIAL_ECHO_MIN);
    for (let at = text.indexOf(head); at !== -1; at = text.indexOf(head, at + 1)) {
      let end = at + PARTIAL_ECHO_MIN;
      while (end - at < form.length && text[end] === form[end - at]) end++;
      ranges.push([at, end]);
    }
    const tail = form.slice(-PARTIAL_ECHO_MIN);
    for (let at = text.indexOf(tail); at !== -1; at = text.indexOf(tail, at + 1)) {
      let start = at;
      let inForm = form.length - PARTIAL_ECHO_MIN;
      while (inForm > 0 && start > 0 && text[start - 1] === form[inForm - 1]) {
        start--;
        inForm--;
      }
      ranges.push([start, at + PARTIAL_ECHO_MIN]);
    }
  }
  return ranges;
}

// Built on first use: a Unicode property class costs each import a fraction of a millisecond to build.
let wordEdges: { before: RegExp; after: RegExp } | undefined;

/** True when no letter, digit or `_` touches `text[start, end)`. */
function isWholeToken(text: string, start: number, end: number): boolean {
  wordEdges ??= { before: /[\p{L}\p{N}_]$/u, after: /^[\p{L}\p{N}_]/u };
  return (
    !wordEdges.before.test(text.slice(Math.max(0, start - 2), start)) &&
    !wordEdges.after.test(text.slice(end, end + 2))
  );
}

function isWordByte(byte: number | undefined): boolean {
  return byte !== undefined && (byte >= 0x80 || /[A-Za-z0-9_]/.test(String.fromCharCode(byte)));
}

/** True when the bytes hold `secret` as a whole token (as in `user:secret` or `\0user\0secret`). */
function holdsToken(bytes: Buffer, secret: Buffer): boolean {
  for (let at = bytes.indexOf(secret); at !== -1; at = bytes.indexOf(secret, at + 1)) {
    if (!isWordByte(bytes[at - 1]) && !isWordByte(bytes[at + secret.length])) return true;
  }
  return false;
}

const BASE64_TOKEN = /[A-Za-z0-9+/_-]{2,}={0,2}/g;

/**
 * Short secrets (1-3 characters) as whole tokens: the value itself where no letter, digit or `_` touches
 * it, and any base64 token of the text that decodes to bytes holding it as a whole token (HTTP Basic
 * `user:p@1`, SMTP `AUTH PLAIN`/`LOGIN`). Inside a longer word they are left alone: masking every `p@1`
 * or `ab` would blank ordinary text.
 */
function shortSecrets(text: string, tokens: readonly string[]): Range[] {
  const ranges: Range[] = [];
  for (const token of tokens) {
    for (let at = text.indexOf(token); at !== -1; at = text.indexOf(token, at + 1)) {
      if (isWholeToken(text, at, at + token.length)) ranges.push([at, at + token.length]);
    }
  }
  const secrets = tokens.map((token) => Buffer.from(token));
  for (const match of text.matchAll(BASE64_TOKEN)) {
    const [candidate] = match;
    if (candidate.length > MAX_TOKEN || !isWholeToken(text, match.index, match.index + candidate.length)) {
      continue;
    }
    const bytes = Buffer.from(candidate, "base64");
    if (secrets.some((secret) => holdsToken(bytes, secret))) {
      ranges.push([match.index, match.index + candidate.length]);
    }
  }
  return ranges;
}

/**
 * Masks every secret in `text`: each pattern wherever it occurs, what is left of a secret cut short, and
 * short secrets as whole tokens. Reads all of `text`; for vendor text use {@link safeText}.
 */
export function redactText(text: string, patterns: SecretPatterns): string {
  let result = text;
  for (const pattern of patterns.exact) result = result.split(pattern).join(MASK);
  result = maskRanges(result, partialEchoes(result, patterns.exact));
  if (patterns.tokens.length > 0) result = maskRanges(result, shortSecrets(result, patterns.tokens));
  return result;
}

/**
 * Vendor text made safe to put into an error: secrets masked, then control characters escaped, then cut
 * to `max` characters. Only the start of a long text is read, but always enough past the cut that no
 * secret is split by it: a pattern starting before the cut is masked whole.
 */
export function safeText(text: string, patterns: SecretPatterns, max: number = MAX_ERROR_TEXT): string {
  const margin = Math.max(patterns.exact[0]?.length ?? 0, MAX_TOKEN) + 1;
  let end = Math.min(text.length, 2 * max + margin);
  let redacted = redactText(text.slice(0, end), patterns);
  while (end < text.length && redacted.length < max + margin) {
    end = Math.min(text.length, end * 2);
    redacted = redactText(text.slice(0, end), patterns);
  }
  return escapeAndShorten(redacted, max, {
    atoms: [MASK],
    totalLength: text.length,
    complete: end === text.length,
  });
}

/** The first line V8 writes in an error's stack: `name: message`, or whichever of them is not empty. */
function stackHeader(name: string, message: string): string {
  if (message === "") return name;
  return name === "" ? message : `${name}: ${message}`;
}

/**
 * A stack made safe: the header rebuilt from the safe name and message, then at most {@link MAX_FRAMES}
 * frame lines (`    at …`), each masked, escaped and bounded. A vendor's text inside the original header
 * (LF, a forged `at` line) is never copied.
 */
function safeStack(
  stack: unknown,
  original: { name: string; message: string },
  safe: { name: string; message: string },
  patterns: SecretPatterns,
): string | undefined {
  if (typeof stack !== "string") return undefined;
  const header = stackHeader(String(original.name), String(original.message));
  const frames = stack.startsWith(header) ? stack.slice(header.length) : stack;
  const lines = frames
    .split("\n", 10_000)
    .filter((line) => /^\s+at \S/.test(line))
    .slice(0, MAX_FRAMES)
    .map((line) => safeText(line, patterns, MAX_FRAME));
  return [stackHeader(safe.name, safe.message), ...lines].join("\n");
}

const KEPT_PROPERTIES = ["code", "errno", "syscall", "status", "statusCode", "responseCode", "type"] as const;

/**
 * A copy of an SDK error that is safe to keep: name, message, stack and a few scalar fields, with secrets
 * masked, control characters escaped and every text bounded. SDK errors carry request configs with auth
 * headers, the message body and attachments, so the original is never kept and nothing else is copied.
 */
export function safeCause(cause: unknown, patterns: SecretPatterns, depth = 0): unknown {
  if (cause === undefined || cause === null) return undefined;
  if (!(cause instanceof Error)) {
    return typeof cause === "object" || typeof cause === "function"
      ? undefined
      : safeText(String(cause), patterns);
  }
  if (cause instanceof MailError) return redactMailError(cause, patterns, depth);
  const message = safeText(String(cause.message), patterns);
  const copy = new Error(
    message,
    depth < 3 && cause.cause !== undefined
      ? { cause: safeCause(cause.cause, patterns, depth + 1) }
      : undefined,
  );
  copy.name = safeText(String(cause.name), patterns, MAX_NAME);
  const stack = safeStack(cause.stack, cause, copy, patterns);
  if (stack !== undefined) copy.stack = stack;
  for (const key of KEPT_PROPERTIES) {
    const value = (cause as unknown as Record<string, unknown>)[key];
    if (typeof value === "string")
      (copy as unknown as Record<string, unknown>)[key] = safeText(value, patterns, MAX_FIELD);
    else if (typeof value === "number") (copy as unknown as Record<string, unknown>)[key] = value;
  }
  return copy;
}

/**
 * A MailError safe to hand to a caller or a hook: secrets masked, control characters escaped and the
 * message bounded ({@link safeText}), a stack rebuilt from the safe message, its cause replaced by
 * {@link safeCause}. `provider` fills in the provider when the error names none.
 */
export function redactMailError(
  error: MailError,
  patterns: SecretPatterns,
  depth = 0,
  provider: string | undefined = error.provider,
): MailError {
  const copy = new MailError(error.code, safeText(error.message, patterns), {
    provider: error.provider ?? provider,
    retryable: error.retryable,
    status: error.status,
    retryAfterMs: error.retryAfterMs,
    outcomeUnknown: error.outcomeUnknown,
    field: error.field,
    errors: error.errors.map((inner) => redactMailError(inner, patterns, depth + 1)),
    cause: depth < 3 ? safeCause(error.cause, patterns, depth + 1) : undefined,
  });
  const stack = safeStack(error.stack, error, copy, patterns);
  if (stack !== undefined) copy.stack = stack;
  return copy;
}
