/** Every way a send, a verify or a configuration can fail. */
export type MailErrorCode =
  | "CONFIG"
  | "INVALID_MESSAGE"
  | "UNSUPPORTED"
  | "AUTH"
  | "REJECTED"
  | "RATE_LIMITED"
  | "UNAVAILABLE"
  | "NETWORK"
  | "TIMEOUT"
  | "ABORTED"
  | "SUPPRESSED"
  | "UNKNOWN";

/** Codes that a later attempt may succeed at, unless the error says otherwise. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<MailErrorCode> = new Set([
  "RATE_LIMITED",
  "UNAVAILABLE",
  "NETWORK",
  "TIMEOUT",
]);

/** Options for a {@link MailError}. */
export interface MailErrorOptions {
  /** Id of the provider that raised it, when one did. */
  provider?: string | undefined;
  /** Whether trying again may succeed; defaults by code. */
  retryable?: boolean | undefined;
  /** HTTP status (or SMTP reply code) the vendor answered with. */
  status?: number | undefined;
  /** How long the vendor asked us to wait before trying again. */
  retryAfterMs?: number | undefined;
  /** The underlying error. */
  cause?: unknown;
  /** Whether the vendor may have accepted the message although this error was raised. */
  outcomeUnknown?: boolean | undefined;
  /** The message field an `INVALID_MESSAGE` or `UNSUPPORTED` error is about. */
  field?: string | undefined;
  /** Errors of each provider tried, for a failover error. */
  errors?: readonly MailError[] | undefined;
}

/** The one error type this library and its providers raise. */
export class MailError extends Error {
  override readonly name = "MailError";
  /** What kind of failure this is. */
  readonly code: MailErrorCode;
  /** Id of the provider that raised it, when one did. */
  readonly provider: string | undefined;
  /** Whether trying again may succeed. */
  readonly retryable: boolean;
  /** HTTP status (or SMTP reply code) the vendor answered with. */
  readonly status: number | undefined;
  /** How long the vendor asked us to wait before trying again. */
  readonly retryAfterMs: number | undefined;
  /** Whether the vendor may have accepted the message although this error was raised. */
  readonly outcomeUnknown: boolean;
  /** The message field an `INVALID_MESSAGE` or `UNSUPPORTED` error is about. */
  readonly field: string | undefined;
  /** Errors of each provider tried, for a failover error. */
  readonly errors: readonly MailError[];

  constructor(code: MailErrorCode, message: string, options: MailErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.provider = options.provider;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
    this.field = options.field;
    this.errors = options.errors ?? [];
  }

  /** A plain object for logs; carries no cause, so nothing the vendor returned is copied twice. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const key of ["provider", "status", "retryAfterMs", "field"] as const) {
      if (this[key] !== undefined) json[key] = this[key];
    }
    json.retryable = this.retryable;
    if (this.outcomeUnknown) json.outcomeUnknown = true;
    if (this.errors.length > 0) json.errors = this.errors.map((error) => error.toJSON());
    return json;
  }
}

/** True when `value` is a {@link MailError}, from this or any other copy of the core. */
export function isMailError(value: unknown): value is MailError {
  return (
    value instanceof MailError ||
    (value instanceof Error && value.name === "MailError" && typeof (value as MailError).code === "string")
  );
}

/** The `UNSUPPORTED` error a provider raises for a message field its vendor cannot carry. */
export function unsupportedField(provider: string, field: string, detail?: string): MailError {
  const suffix = detail ? `: ${detail}` : "";
  return new MailError("UNSUPPORTED", `${provider} cannot send the message field "${field}"${suffix}`, {
    provider,
    field,
  });
}
