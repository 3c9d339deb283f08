import { createHash } from "node:crypto";
import type { MailAddress, MailMessage, NormalizedMessage } from "@posse/mail-core";

/** An attachment as stored in Redis: its bytes in base64, so they survive JSON byte for byte. */
export interface StoredAttachment {
  readonly filename: string;
  readonly base64: string;
  readonly contentType?: string;
  readonly contentId?: string;
}

/** A validated message as stored in a job (plain JSON). */
export interface StoredMessage {
  readonly from?: MailAddress;
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
  readonly bcc: readonly MailAddress[];
  readonly replyTo: readonly MailAddress[];
  readonly subject: string;
  readonly text?: string;
  readonly html?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly attachments: readonly StoredAttachment[];
  readonly tags: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly idempotencyKey?: string;
}

/** What a job carries. */
export interface MailJobData {
  /** Format version of `message`. */
  readonly v: 1;
  /** The message, validated at enqueue. */
  readonly message: StoredMessage;
  /** Trace propagation headers of the enqueuing code (`traceContext`), e.g. `{ traceparent }`. */
  readonly trace?: Readonly<Record<string, string>>;
}

/** What a completed job records. */
export interface MailJobResult {
  /** The provider that accepted the message. */
  readonly provider: string;
  /** That vendor's message id. */
  readonly messageId: string;
  /** The attempt (1-based) that sent it. */
  readonly attempts: number;
}

/**
 * The job id for an idempotency key: `k_` + base64url(sha256(key)). BullMQ refuses ids with `:` and
 * whole numbers, and a key may hold either; the hash also keeps ids short and fixed-length.
 */
export function jobIdForKey(idempotencyKey: string): string {
  return `k_${createHash("sha256").update(idempotencyKey, "utf8").digest("base64url")}`;
}

/** Stores a normalized message; `keepFrom` false leaves the sender to the worker's mailer. */
export function storeMessage(message: NormalizedMessage, keepFrom: boolean): MailJobData {
  const { from, attachments, ...rest } = message;
  return {
    v: 1,
    message: {
      ...(keepFrom ? { from } : {}),
      ...rest,
      attachments: attachments.map((attachment) => ({
        filename: attachment.filename,
        base64: Buffer.from(
          attachment.content.buffer,
          attachment.content.byteOffset,
          attachment.content.byteLength,
        ).toString("base64"),
        ...(attachment.contentType === undefined ? {} : { contentType: attachment.contentType }),
        ...(attachment.contentId === undefined ? {} : { contentId: attachment.contentId }),
      })),
    },
  };
}

/** The message a worker sends, rebuilt from a job (attachments as bytes again). */
export function restoreMessage(data: MailJobData): MailMessage {
  const { attachments, ...rest } = data.message;
  return {
    ...rest,
    to: [...rest.to],
    cc: [...rest.cc],
    bcc: [...rest.bcc],
    replyTo: [...rest.replyTo],
    tags: [...rest.tags],
    attachments: attachments.map(({ base64, ...attachment }) => ({
      ...attachment,
      content: new Uint8Array(Buffer.from(base64, "base64")),
    })),
  };
}
