import { MailError } from "@posse/mail-core";
import { transportFailure } from "@posse/mail-core/provider";
import type { NodemailerError } from "nodemailer";

const PROVIDER = "smtp";

// Node's certificate and TLS protocol failures, which nodemailer reports as ESOCKET with this originalCode.
const TLS_FAILURE = /^ERR_(TLS|SSL)_|CERT|SELF_SIGNED|UNABLE_TO_/;

// How nodemailer's pool fails a message whose connection closed before the message was handed to it (a
// reused connection the server had dropped, or one closed before its greeting) when it may not re-queue it
// (maxRequeues: 0): not a byte of the message went out.
const CLOSED_BEFORE_SENDING = /^Reached maximum number of retries after connection was closed$/;

// Reply texts and RFC 3463 enhanced codes (4.7.x "security or policy") that mean "slow down".
const RATE_LIMIT = /\b4\.7\.\d+\b|\brate\b|too many|throttl/i;

function failure(code: MailError["code"], message: string, error: NodemailerError, outcomeUnknown = false) {
  return new MailError(code, `${PROVIDER}: ${message}`, {
    provider: PROVIDER,
    status: error.responseCode,
    outcomeUnknown,
    cause: error,
  });
}

/** A reply code from the server: 4xx is temporary, 5xx permanent (RFC 5321 §4.2.1). */
function fromReply(error: NodemailerError, replyCode: number): MailError {
  const detail = error.message;
  if (error.code === "EAUTH" || replyCode === 530 || replyCode === 534 || replyCode === 535) {
    if (replyCode < 500) return failure("UNAVAILABLE", `login failed for now: ${detail}`, error);
    return failure("AUTH", `the server refused the login: ${detail}`, error);
  }
  if (replyCode < 500) {
    return failure(RATE_LIMIT.test(error.response ?? "") ? "RATE_LIMITED" : "UNAVAILABLE", detail, error);
  }
  return failure("REJECTED", detail, error);
}

/** Any nodemailer failure (it throws `Error`s with `code`, `responseCode`, `response`) as a MailError. */
export function fromSmtpError(caught: unknown): MailError {
  const error = (caught ?? {}) as NodemailerError;
  const detail = error.message ?? String(caught);
  // requireTLS sends STARTTLS whatever EHLO said; a server without it answers 5xx (or 454).
  if (error.code === "ETLS" && error.command === "STARTTLS" && error.responseCode) {
    return failure(
      "CONFIG",
      `the server does not offer STARTTLS, which SMTP_ENABLE_STARTTLS requires before sending credentials ` +
        `(use port 465 for implicit TLS, or SMTP_ENABLE_STARTTLS=false only for a trusted local relay): ${detail}`,
      error,
    );
  }
  if (error.code === "ETLS" || TLS_FAILURE.test(error.originalCode ?? "")) {
    const reason = error.originalCode ? ` (${error.originalCode})` : "";
    return failure(
      "CONFIG",
      `the TLS handshake failed: check the host name, the certificate and whether the port expects ` +
        `implicit TLS (465) or STARTTLS: ${detail}${reason}`,
      error,
    );
  }
  if (typeof error.responseCode === "number" && error.responseCode >= 400 && error.responseCode < 600) {
    return fromReply(error, error.responseCode);
  }
  if (error.code === "EAUTH" || error.code === "ENOAUTH") {
    return failure("AUTH", detail, error);
  }
  // ESOCKET/EDNS/ECONNECTION keep the system code (ECONNREFUSED, ENOTFOUND, …) as originalCode.
  const system = transportFailure(PROVIDER, { code: error.originalCode ?? error.code });
  if (system) {
    const neverConnected = error.code === "ETIMEDOUT" && error.timeoutType === "CONNECT_TIMEOUT";
    return failure(
      system.code,
      `${system.message}: ${detail}`,
      error,
      !neverConnected && system.outcomeUnknown,
    );
  }
  if (error.code === "ECONNECTION" && CLOSED_BEFORE_SENDING.test(detail)) {
    return failure("NETWORK", `the connection closed before the message was sent: ${detail}`, error);
  }
  if (error.code === "ECONNECTION" || error.code === "ESOCKET") {
    return failure("NETWORK", `the connection broke: ${detail}`, error, true);
  }
  if (error.code === "EENVELOPE" || error.code === "EMESSAGE") return failure("REJECTED", detail, error);
  if (error.code === "EPROTOCOL") return failure("UNAVAILABLE", detail, error, true);
  return failure("UNKNOWN", detail, error, true);
}

/** The REJECTED error for a message the server took for some recipients and refused for others. */
export function partlyRejected(rejected: readonly string[], accepted: readonly string[], errors: unknown) {
  const replies = ((errors ?? []) as NodemailerError[]).map((error) => error.response).filter(Boolean);
  return new MailError(
    "REJECTED",
    `${PROVIDER}: the server refused ${rejected.length} of ${rejected.length + accepted.length} recipients ` +
      `and accepted the message for the others${replies.length > 0 ? ` (${replies.join("; ")})` : ""}`,
    {
      provider: PROVIDER,
      status: ((errors ?? []) as NodemailerError[])[0]?.responseCode,
      // Delivered to the accepted recipients: sending again (or failing over) would duplicate it for them.
      outcomeUnknown: true,
    },
  );
}
