import { answerTooLargeError, httpFailure, MailError } from "@posse/mail-core/provider";

interface SparkpostErrorBody {
  errors?: { message?: unknown; description?: unknown; code?: unknown }[];
}

function parse(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** SparkPost's `{ errors: [{ message, description, code }] }` as one text, else the answer as it came. */
function detail(text: string | undefined): string | undefined {
  const errors = (parse(text) as SparkpostErrorBody | undefined)?.errors;
  const parts = (Array.isArray(errors) ? errors : [])
    .filter((error) => typeof error?.message === "string")
    .map((error) => {
      const description = typeof error.description === "string" ? `: ${error.description}` : "";
      const code = typeof error.code === "string" ? ` (code ${error.code})` : "";
      return `${error.message}${description}${code}`;
    });
  // Never cut here: the core masks secrets in the whole text before it bounds it.
  return parts.length > 0 ? parts.join("; ") : text;
}

/** A non-2xx answer as a MailError: the status says the code, `Retry-After` the wait. */
export function fromErrorAnswer(response: Response, text: string | undefined): MailError {
  return httpFailure({
    provider: "sparkpost",
    status: response.status,
    detail: detail(text),
    retryAfter: response.headers.get("retry-after"),
  });
}

/** The transmission id of SparkPost's success answer, `{ results: { id, total_accepted_recipients, … } }`. */
export function transmissionId(text: string | undefined): string | undefined {
  const results = (parse(text) as { results?: { id?: unknown } } | undefined)?.results;
  return typeof results?.id === "string" && results.id !== "" ? results.id : undefined;
}

/** A 2xx that is not SparkPost's success (a captive portal, a wrong URL): SparkPost may have taken it. */
export function notAReceipt(status: number, text: string | undefined): MailError {
  // An answer over the size limit was not read: the error names the limit.
  if (text === undefined) return answerTooLargeError("sparkpost", status);
  return new MailError(
    "UNKNOWN",
    `sparkpost answered HTTP ${status}, but with no transmission id in the answer`,
    {
      provider: "sparkpost",
      status,
      outcomeUnknown: true,
    },
  );
}
