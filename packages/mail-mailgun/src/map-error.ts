import { MailError } from "@posse/mail-core";
import { type CappedAnswer, httpFailure } from "@posse/mail-core/provider";

// Mailgun answers a wrong key with 401 "Forbidden"; so does a key used against the other region's API.
const HINTS: Readonly<Record<number, string>> = {
  401: "; check MAILGUN_API_KEY, and MAILGUN_REGION: an EU account needs eu, a US account us",
  404: "; check MAILGUN_DOMAIN, and MAILGUN_REGION: a domain exists in one region only",
};

/** An answer's text as JSON, or the text itself when it is not JSON. */
export function parseAnswer(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Mailgun's own words in an error answer: the JSON `message`, or a plain-text body ("Forbidden"). Never
 * the rest of the body: an HTML page is a gateway's, and a body may echo the request (message, files).
 */
function mailgunText(response: CappedAnswer, text: string | undefined): string {
  if (text === undefined) return "an answer larger than the size limit, not read";
  const body = parseAnswer(text);
  if (body && typeof body === "object") {
    const message = (body as { message?: unknown }).message;
    return typeof message === "string" ? message : "";
  }
  if (/html/i.test(response.headers.get("content-type") ?? "") || /^\s*</.test(text)) {
    return "an HTML page, not Mailgun's answer";
  }
  return text.replace(/\s+/g, " ").trim();
}

/** A non-2xx answer as a MailError with Mailgun's text, the status and its `Retry-After`. */
export function fromMailgunAnswer(response: CappedAnswer, text: string | undefined): MailError {
  const detail = mailgunText(response, text);
  return httpFailure({
    provider: "mailgun",
    status: response.status,
    detail: `${detail}${HINTS[response.status] ?? ""}`,
    retryAfter: response.headers.get("retry-after"),
    // A 403 "not allowed to send" is the sandbox/free-plan recipient restriction, not a bad key.
    code: response.status === 403 && /not allowed to send/i.test(detail) ? "REJECTED" : undefined,
  });
}

/** The API root's greeting, which a wrong endpoint (a base URL with a path, say) gets with HTTP 200. */
export function notTheApi(): MailError {
  return new MailError(
    "CONFIG",
    'mailgun endpoint is not the Mailgun API (it answered "Mailgun Magnificent API")',
    {
      provider: "mailgun",
      retryable: false,
    },
  );
}

/** A 2xx answer that is not what the call returns (a captive portal's page, no message id). */
export function notAResult(status: number, what: string): MailError {
  return new MailError("UNKNOWN", `mailgun answered HTTP ${status} without ${what}`, {
    provider: "mailgun",
    status,
    outcomeUnknown: true,
  });
}
