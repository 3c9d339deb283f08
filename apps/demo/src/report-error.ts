import { isMailError, listProviders, type MailError, type MailErrorCode } from "@posse/mail-core";
import { type TextOutput, writeLine } from "./output.js";
import { printable } from "./printable.js";

/** A mistake in the command line; printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const HINTS = new WeakMap<object, string>();

/** Gives an error its own hint, for where the code's usual one would mislead (the queue's Redis is no provider). */
export function withHint<E>(error: E, hint: string): E {
  if (typeof error === "object" && error !== null) HINTS.set(error, hint);
  return error;
}

function secretVariables(providerId: string | undefined): string[] {
  const provider = listProviders().find((candidate) => candidate.id === providerId);
  return provider ? provider.env.filter((v) => v.secret || v.required).map((v) => v.name) : [];
}

/** One line saying what to do about an error with this code. */
export function hintFor(error: Pick<MailError, "code" | "provider" | "field">): string {
  const variables = secretVariables(error.provider);
  const check = variables.length > 0 ? `check ${variables.join(", ")}` : "check the provider's variables";
  const hints: Record<MailErrorCode, string> = {
    CONFIG: "fix the variables named above; `demo doctor` shows what is set and what is missing",
    INVALID_MESSAGE: `fix the message${error.field ? ` field "${error.field}"` : ""} (e.g. --to must be an address like ann@example.com)`,
    UNSUPPORTED:
      "this provider cannot carry that part of the message; leave it out or choose another provider",
    AUTH: `the provider refused the credentials: ${check} (\`demo doctor\` verifies them)`,
    REJECTED:
      "the provider refused the message: is the sender's domain verified with it, and the recipient allowed?",
    RATE_LIMITED: "the provider is rate-limiting this account: wait a little and try again",
    UNAVAILABLE:
      "the provider is having trouble: try again later, or configure a second provider for failover",
    NETWORK: "could not reach the provider: check the network, proxy, firewall or host name",
    TIMEOUT: "the provider did not answer in time: try again; check the network if it keeps happening",
    ABORTED: "the send was cancelled",
    SUPPRESSED:
      "a recipient is on the suppression list (it bounced, complained or unsubscribed): remove it there first if that is over",
    UNKNOWN: "an unexpected failure: run again with --verbose for the details",
  };
  return hints[error.code];
}

/** A stack trace whose first line (name and message, which may carry vendor text) is escaped. */
function printableStack(error: Error): string {
  const header = `${error.name}: ${error.message}`;
  const stack = error.stack ?? header;
  const frames = stack.startsWith(header) ? stack.slice(header.length) : `\n${stack}`;
  return `${printable(header)}${printable(frames, { keepNewlines: true })}`;
}

function causeChain(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    lines.push(current instanceof Error ? printableStack(current) : printable(String(current)));
    current = current instanceof Error ? current.cause : undefined;
    if (current !== undefined) lines.push("Caused by:");
  }
  return lines.join("\n");
}

/**
 * Prints an error as `error CODE (provider): message` and a one-line `hint:`; the stack trace only when
 * `verbose`. `MailError` messages never contain secrets. Messages can carry a vendor's text, so their
 * control characters are printed as escapes: one error is always one line.
 */
export function reportError(error: unknown, err: TextOutput, { verbose = false } = {}): void {
  if (isMailError(error)) {
    const provider = error.provider ? ` (${printable(error.provider)})` : "";
    writeLine(err, `error ${error.code}${provider}: ${printable(error.message)}`);
    for (const inner of error.errors) {
      writeLine(err, `  - ${inner.code} (${printable(inner.provider ?? "?")}): ${printable(inner.message)}`);
    }
    writeLine(err, `hint: ${HINTS.get(error) ?? hintFor(error)}`);
  } else if (error instanceof UsageError) {
    writeLine(err, `error: ${printable(error.message)}`);
    writeLine(err, "hint: `demo --help` lists the commands and options");
  } else {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    writeLine(err, `error: ${printable(message)}`);
    writeLine(
      err,
      verbose
        ? "hint: this is a bug in the demo; the trace follows"
        : "hint: run again with --verbose for the stack trace",
    );
  }
  if (verbose && !(error instanceof UsageError)) writeLine(err, causeChain(error));
}
