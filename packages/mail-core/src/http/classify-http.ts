import { MailError, type MailErrorCode } from "../errors/mail-error.js";

/** What a provider knows about a failed HTTP exchange with its vendor. */
export interface HttpFailure {
  /** Provider id, for the error. */
  provider: string;
  /** The HTTP status the vendor answered with. */
  status: number;
  /** The vendor's own error text (never a request header or the API key). */
  detail?: string | undefined;
  /** The raw `Retry-After` header value, if the vendor sent one. */
  retryAfter?: string | null | undefined;
  /** Override the code the status implies, when the vendor's body says more. */
  code?: MailErrorCode | undefined;
  /** The SDK error, kept as the cause. */
  cause?: unknown;
  /** Clock used to read an HTTP-date Retry-After; defaults to `Date.now`. */
  now?: (() => number) | undefined;
}

/** The error code an HTTP status means for a send. */
export function codeForStatus(status: number): MailErrorCode {
  if (status === 401 || status === 403) return "AUTH";
  if (status === 408) return "TIMEOUT";
  if (status === 429) return "RATE_LIMITED";
  if (status >= 500) return "UNAVAILABLE";
  if (status >= 400) return "REJECTED";
  return "UNKNOWN";
}

const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /i;

/** Milliseconds to wait from a `Retry-After` value (delta-seconds or HTTP-date), or undefined. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: () => number = Date.now,
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP-date starts with the day name (IMF-fixdate, RFC 850, asctime); Date.parse alone reads "-5" or
  // "foo 2020" as dates.
  if (!HTTP_DATE.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now());
}

/** Turns a vendor's HTTP failure into a {@link MailError} with the right code, status and Retry-After. */
export function httpFailure(failure: HttpFailure): MailError {
  const code = failure.code ?? codeForStatus(failure.status);
  const detail = failure.detail?.trim();
  const message = `${failure.provider} answered HTTP ${failure.status}${detail ? `: ${detail}` : ""}`;
  return new MailError(code, message, {
    provider: failure.provider,
    status: failure.status,
    retryAfterMs: parseRetryAfter(failure.retryAfter, failure.now),
    cause: failure.cause,
    // A gateway timeout says only that the gateway gave up waiting: the vendor may have accepted it. A
    // redirect (never followed) is not the vendor's answer to a send: what gave it may have passed it on.
    outcomeUnknown: failure.status === 504 || (failure.status >= 300 && failure.status < 400),
  });
}

/** Failures before a connection existed: the vendor certainly did not get the message. */
const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * Certificate and TLS handshake failures (OpenSSL's verify errors as Node names them, the host name
 * check, handshake alerts): the handshake failed, so not a byte of the request was sent.
 */
const TLS_CODES = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_REJECTED",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
  "CERT_CHAIN_TOO_LONG",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
  "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
  "ERROR_IN_CERT_NOT_BEFORE_FIELD",
  "ERROR_IN_CERT_NOT_AFTER_FIELD",
  "INVALID_CA",
  "INVALID_PURPOSE",
  "PATH_LENGTH_EXCEEDED",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "ERR_SSL_UNSUPPORTED_PROTOCOL",
  "ERR_SSL_NO_PROTOCOLS_AVAILABLE",
]);
// Alerts a server sends during the handshake (ERR_SSL_TLSV1_ALERT_UNKNOWN_CA, …_ALERT_HANDSHAKE_FAILURE).
const TLS_ALERT =
  /^ERR_SSL_\w*ALERT_(?:HANDSHAKE_FAILURE|BAD_CERTIFICATE|UNSUPPORTED_CERTIFICATE|CERTIFICATE_\w+|UNKNOWN_CA|PROTOCOL_VERSION|INSUFFICIENT_SECURITY|UNRECOGNIZED_NAME|NO_APPLICATION_PROTOCOL)$/;

/** True for a Node error code that says the TLS handshake (certificate check included) failed. */
export function isTlsFailureCode(code: string): boolean {
  return TLS_CODES.has(code) || TLS_ALERT.test(code);
}

/** Failures of a connection that existed: the request may have arrived. */
const BROKEN_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "UND_ERR_SOCKET"]);

/** Finds a Node/undici error code (`ECONNREFUSED`, …) anywhere in an error's cause chain. */
export function systemErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z][A-Z0-9_]*$/.test(code)) return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      current = errors[0];
      continue;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The error for a request that got no HTTP answer, from its socket error: `CONFIG` (not retryable, not
 * sent) for a failed TLS handshake, `TIMEOUT` or `NETWORK`; undefined when the code says none of these.
 */
export function transportFailure(provider: string, error: unknown): MailError | undefined {
  const code = systemErrorCode(error);
  if (code === "ETIMEDOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
    return new MailError("TIMEOUT", `${provider} did not answer in time (${code})`, {
      provider,
      cause: error,
      outcomeUnknown: true,
    });
  }
  if (code && isTlsFailureCode(code)) {
    // Like SMTP's failed handshake: a fault of this endpoint (failover moves on), and certainly not sent.
    return new MailError(
      "CONFIG",
      `the TLS handshake with ${provider} failed (${code}): check the endpoint's host name and ` +
        `certificate; nothing was sent`,
      { provider, retryable: false, outcomeUnknown: false, cause: error },
    );
  }
  if (code && CONNECT_CODES.has(code)) {
    return new MailError("NETWORK", `could not reach ${provider} (${code})`, { provider, cause: error });
  }
  if (code && BROKEN_CODES.has(code)) {
    return new MailError("NETWORK", `the connection to ${provider} broke (${code})`, {
      provider,
      cause: error,
      outcomeUnknown: true,
    });
  }
  return undefined;
}

/**
 * The error for a request that got no HTTP answer: `NETWORK` or `TIMEOUT` when the socket error says
 * which, else `NETWORK` with an unknown outcome, since the request may have reached the vendor.
 */
export function noResponseFailure(provider: string, error: unknown, detail: string): MailError {
  return (
    transportFailure(provider, error) ??
    new MailError("NETWORK", `could not complete the request to ${provider}: ${detail}`, {
      provider,
      cause: error,
      outcomeUnknown: true,
    })
  );
}
