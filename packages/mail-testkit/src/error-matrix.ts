import type { MailErrorCode } from "@posse/mail-core";

/** How one HTTP error status must surface: the code (unless the provider says otherwise) and its flags. */
export interface StatusCase {
  readonly status: number;
  readonly code: MailErrorCode;
  readonly retryable: boolean;
  /** A 504 says only that a gateway stopped waiting: the vendor may have accepted the message. */
  readonly outcomeUnknown: boolean;
  /** Headers the vendor sends with the answer. */
  readonly headers: Record<string, string>;
  /** The wait the error must ask for, from those headers. */
  readonly retryAfterMs?: number;
}

/** Every HTTP failure a provider must classify, as the core's rules (and every vendor's docs) have it. */
export const STATUS_CASES: readonly StatusCase[] = [
  { status: 400, code: "REJECTED", retryable: false, outcomeUnknown: false, headers: {} },
  { status: 401, code: "AUTH", retryable: false, outcomeUnknown: false, headers: {} },
  { status: 403, code: "AUTH", retryable: false, outcomeUnknown: false, headers: {} },
  { status: 422, code: "REJECTED", retryable: false, outcomeUnknown: false, headers: {} },
  {
    status: 429,
    code: "RATE_LIMITED",
    retryable: true,
    outcomeUnknown: false,
    headers: { "Retry-After": "2" },
    retryAfterMs: 2000,
  },
  { status: 500, code: "UNAVAILABLE", retryable: true, outcomeUnknown: false, headers: {} },
  { status: 503, code: "UNAVAILABLE", retryable: true, outcomeUnknown: false, headers: {} },
  { status: 504, code: "UNAVAILABLE", retryable: true, outcomeUnknown: true, headers: {} },
];

/** `MAIL_RETRY_ATTEMPTS` values and the retryable status each is tried with. */
export const RETRY_BUDGETS: readonly [attempts: number, status: number][] = [
  [1, 503],
  [3, 503],
  [3, 429],
  [5, 500],
];
