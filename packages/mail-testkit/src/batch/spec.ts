import type { MailMessage, ProviderDefinition } from "@posse/mail-core";

/** A failure of a whole batch request: the vendor's answer and the fields of the `MailError` it must give. */
export interface BatchFailure {
  /** What the answer is, for the test's name, e.g. `a bad token`. */
  readonly name: string;
  readonly status: number;
  /** The body as sent: a string as written (JSON or a page), anything else as JSON. */
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Fields the error must have besides `name`, `provider` and `status` (which it may override). */
  readonly expected: Readonly<Record<string, unknown>>;
}

/** The vendor's answers to a batch request, as sent: a string as written, anything else as JSON. */
export interface BatchAnswers {
  /** A 200 accepting the two messages of a batch, one entry each. */
  readonly accepted: unknown;
  /** A 200 accepting none, what a redirect's target answers (the transport must never ask it). */
  readonly empty: unknown;
  /** The start of a 200 that never ends, e.g. `[{"MessageID":"`. */
  readonly endless: string;
  /** The vendor's 429 body, sent with `Retry-After: 7`. */
  readonly rateLimited: unknown;
}

/** Everything the batch suite needs to know about one provider's `sendBatch` and its vendor. */
export interface BatchConformance<Config> {
  /** The provider under test; its transport has `sendBatch`. */
  readonly definition: ProviderDefinition<Config>;
  /** A working config pointed at a loopback origin (`http://127.0.0.1:<port>`). */
  withEndpoint(origin: string): Config;
  /** Every form of a credential that must never surface: raw values and encodings such as Basic's base64. */
  readonly secrets: readonly string[];
  /** The batch request's path, e.g. `/email/batch`: where a redirect the transport must not follow points. */
  readonly path: string;
  readonly answers: BatchAnswers;
  /** Failures of the whole request besides the 429: 401, a 5xx, 2xx answers that are no receipt. */
  readonly failures: readonly BatchFailure[];
  /** A message the batch cannot carry, and the field its `UNSUPPORTED` error names. */
  readonly unsupported: { readonly message: MailMessage; readonly field: string };
}
