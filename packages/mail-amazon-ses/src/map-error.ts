import { isMailError, MailError, type MailErrorCode } from "@posse/mail-core";
import { httpFailure, noResponseFailure } from "@posse/mail-core/provider";

const PROVIDER = "amazon_ses";

/** The shape of what the AWS SDK throws: a `ServiceException`, or a plain error before any answer. */
interface SdkError {
  readonly name?: string;
  readonly message?: string;
  readonly $fault?: "client" | "server";
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $response?: { readonly headers?: Record<string, string | undefined> };
}

// SES error names (from the `x-amzn-ErrorType` header) whose meaning the status alone does not say.
const CODES: Readonly<Record<string, MailErrorCode>> = {
  MessageRejected: "REJECTED",
  MailFromDomainNotVerifiedException: "REJECTED",
  BadRequestException: "REJECTED",
  NotFoundException: "REJECTED",
  AccountSuspendedException: "REJECTED",
  SendingPausedException: "REJECTED",
  UnrecognizedClientException: "AUTH",
  SignatureDoesNotMatch: "AUTH",
  InvalidSignatureException: "AUTH",
  AccessDeniedException: "AUTH",
  IncompleteSignature: "AUTH",
  MissingAuthenticationToken: "AUTH",
  ExpiredTokenException: "AUTH",
  InvalidClientTokenId: "AUTH",
  TooManyRequestsException: "RATE_LIMITED",
  LimitExceededException: "RATE_LIMITED",
  ThrottlingException: "RATE_LIMITED",
};

/** Any failure of an SES call as a MailError, keeping SES's error text and name. */
export function fromSesError(error: unknown): MailError {
  if (isMailError(error)) return error;
  const sdk = (error ?? {}) as SdkError;
  const name = sdk.name ?? "Error";
  const text = sdk.message ?? String(error);
  const status = sdk.$metadata?.httpStatusCode;
  if (status === undefined) {
    // Before any request: the default credential chain found no credentials.
    if (name === "CredentialsProviderError") {
      return new MailError("CONFIG", `amazon_ses is not configured: ${text} (${name})`, {
        provider: PROVIDER,
        cause: error,
      });
    }
    // No HTTP answer; the SDK does not say whether the request reached SES.
    return noResponseFailure(PROVIDER, error, `${text} (${name})`);
  }
  // A 2xx the SDK could not read as SES's answer (a captive portal's page, a wrong URL, an answer over the
  // size limit): whatever answered, SES may have taken the message, so it is neither sent nor safe to resend.
  if (status >= 200 && status < 300) {
    return new MailError(
      "UNKNOWN",
      `amazon_ses answered HTTP ${status}, but not with SES's answer (${name}: ${text.split("\n")[0]})`,
      { provider: PROVIDER, status, outcomeUnknown: true, cause: error },
    );
  }
  // No `$fault`: the SDK could not read the answer as an SES error (a proxy's HTML page, say).
  const detail =
    sdk.$fault === undefined
      ? `the answer is not an SES error (${name}: ${text.split("\n")[0]})`
      : `${text} (${name})`;
  return httpFailure({
    provider: PROVIDER,
    status,
    detail,
    retryAfter: sdk.$response?.headers?.["retry-after"],
    code: CODES[name],
    cause: error,
  });
}
