/**
 * Attribute names. OpenTelemetry's semantic conventions where one exists (`error.type`, `messaging.system`,
 * `messaging.operation.*`, `messaging.message.id`); everything this package invents is under `posse_mail.`.
 */
export const ATTR = {
  /**
   * Semconv messaging (required): the messaging system; here the provider id (`sendgrid`, `smtp`, …), as
   * `aws_sqs` names a service. On an attempt, the provider it asks; on a send, the first of the chain until
   * the send ends, then the one that accepted it or was tried last.
   */
  system: "messaging.system",
  /** Semconv: the class of error; here the `MailError` code (`UNAVAILABLE`, `AUTH`, …). */
  errorType: "error.type",
  /** Semconv messaging: the operation's type; always `send`. */
  operationType: "messaging.operation.type",
  /** Semconv messaging: the operation's name; always `send`. */
  operationName: "messaging.operation.name",
  /** Semconv messaging: the id the messaging system gave the message; the vendor's message id. */
  messageId: "messaging.message.id",
  /** The provider id of an attempt; on a send, the one that accepted it or was tried last. */
  provider: "posse_mail.provider",
  /** The providers a send may try, in the order it tries them. */
  providers: "posse_mail.providers",
  /** `sent` or `failed`. */
  outcome: "posse_mail.outcome",
  /** 1 for the first request to a provider, 2 for its first retry, … */
  attempt: "posse_mail.attempt",
  /** Requests a send made, over every provider. */
  attempts: "posse_mail.attempts",
  /** An attempt's provider's position in `posse_mail.providers`: 0 first, 1 after one failover, … */
  failoverPosition: "posse_mail.failover.position",
  /** Failovers a send made; on the failover counter, the provider that was left. */
  failovers: "posse_mail.failovers",
  /** Whether the mailer tries the same provider again after this failed attempt. */
  willRetry: "posse_mail.will_retry",
  /** Whether the vendor may have accepted a message whose send failed. */
  outcomeUnknown: "posse_mail.outcome_unknown",
  /** Number of attachments. */
  attachmentCount: "posse_mail.attachment.count",
  /** Total size of the attachments, in bytes. */
  attachmentSize: "posse_mail.attachment.size",
  /** Opt-in personal data: the recipients' addresses (`to`, `cc`, `bcc`). */
  recipients: "posse_mail.recipients",
  /** Opt-in personal data: the subject. */
  subject: "posse_mail.subject",
} as const;
