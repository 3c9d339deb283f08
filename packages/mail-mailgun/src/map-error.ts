import { httpFailure, MailError, transportFailure } from "@posse/mail-core";

/** What mailgun.js throws for every failed request: `message` is the HTTP status text, `details` the body. */
interface MailgunApiError {
  readonly status: number;
  readonly message: string;
  readonly details: string;
  readonly type: "MailgunAPIError";
}

function isMailgunApiError(error: unknown): error is MailgunApiError {
  return (
    typeof error === "object" && error !== null && (error as { type?: unknown }).type === "MailgunAPIError"
  );
}

// With no HTTP answer the SDK reports status 400 and puts the axios error code where the status text goes.
// An answered request always has a status text, or else axios's ERR_BAD_REQUEST / ERR_BAD_RESPONSE.
const AXIOS_CODE = /^[A-Z][A-Z0-9_]*$/;
const ANSWERED = new Set(["ERR_BAD_REQUEST", "ERR_BAD_RESPONSE"]);

function unanswered(error: MailgunApiError): boolean {
  return (
    error.status === 400 &&
    (error.message === "" || (AXIOS_CODE.test(error.message) && !ANSWERED.has(error.message)))
  );
}

function noAnswerFailure(error: MailgunApiError): MailError {
  const code = error.message || undefined;
  const detail = error.details ? `: ${error.details}` : "";
  // axios reports its own timeout (the client's `timeout`) as ECONNABORTED "timeout of … ms exceeded".
  if (code === "ETIMEDOUT" || (code === "ECONNABORTED" && /timeout/i.test(error.details))) {
    return new MailError("TIMEOUT", `mailgun did not answer in time${detail}`, {
      provider: "mailgun",
      outcomeUnknown: true,
    });
  }
  const known = transportFailure("mailgun", { code });
  // The SDK drops the original error, so an unlisted code cannot tell a refused connection from a lost answer.
  return new MailError(
    "NETWORK",
    `${known?.message ?? `could not complete the request to mailgun (${code ?? "no code"})`}${detail}`,
    {
      provider: "mailgun",
      outcomeUnknown: known?.outcomeUnknown ?? true,
    },
  );
}

// Mailgun answers a wrong key with 401 "Forbidden"; so does a key used against the other region's API.
const HINTS: Readonly<Record<number, string>> = {
  401: "; check MAILGUN_API_KEY, and MAILGUN_REGION: an EU account needs eu, a US account us",
  404: "; check MAILGUN_DOMAIN, and MAILGUN_REGION: a domain exists in one region only",
};

/** A mailgun.js failure as a MailError; anything else (already a MailError, a bug) is returned as is. */
export function fromMailgunError(error: unknown): unknown {
  if (!isMailgunApiError(error)) return error;
  if (unanswered(error)) return noAnswerFailure(error);
  // The SDK turns a 200 "Mailgun Magnificent API" (the API root, not an endpoint) into 400 "Incorrect url".
  if (error.message === "Incorrect url") {
    return new MailError(
      "CONFIG",
      `mailgun endpoint is not the Mailgun API (it answered "${error.details}")`,
      {
        provider: "mailgun",
        retryable: false,
      },
    );
  }
  const detail = error.details ? `${error.details} (${error.message})` : error.message;
  // mailgun.js does not expose response headers, so a 429's Retry-After cannot be read.
  return httpFailure({
    provider: "mailgun",
    status: error.status,
    detail: `${detail}${HINTS[error.status] ?? ""}`,
    // A 403 "not allowed to send" is the sandbox/free-plan recipient restriction, not a bad key.
    code: error.status === 403 && /not allowed to send/i.test(error.details) ? "REJECTED" : undefined,
  });
}
