import {
  hmacSha256,
  isJsonObject,
  type ReplayStore,
  refuseStaleTimestamp,
  timingSafeEqual,
  toHex,
  WebhookError,
} from "@posse/mail-core/webhooks";

/** What verifying one Mailgun post needs. */
export interface MailgunSignatureCheck {
  /** The HTTP webhook signing key (Mailgun › Sending › Webhooks), not the API key. */
  readonly signingKey: string;
  /** Epoch ms now. */
  readonly now: number;
  /** How far the signed timestamp may be from now, ms. */
  readonly toleranceMs: number;
  /** Where tokens are claimed. */
  readonly replayStore: ReplayStore;
}

function notAuthentic(): WebhookError {
  return new WebhookError(401, "the Mailgun signature is missing or does not match");
}

/**
 * Checks a post's `signature` object as Mailgun defines it: hex HMAC-SHA256 of `timestamp + token` under the
 * signing key (401 if wrong), the timestamp within the window (403), and the token never seen before (403): it is
 * claimed in the store until its timestamp leaves the window (a store that cannot answer rejects, and Mailgun
 * posts again). Mailgun signs only these fields, not the event, so the window and the token claim are the replay
 * defence.
 */
export async function verifyMailgunSignature(
  signature: unknown,
  check: MailgunSignatureCheck,
): Promise<void> {
  if (!isJsonObject(signature)) throw notAuthentic();
  const { timestamp, token, signature: hex } = signature;
  const stamp = typeof timestamp === "number" ? String(timestamp) : timestamp;
  if (typeof stamp !== "string" || typeof token !== "string" || typeof hex !== "string") throw notAuthentic();
  const expected = toHex(await hmacSha256(check.signingKey, `${stamp}${token}`));
  if (!timingSafeEqual(expected, hex.toLowerCase())) throw notAuthentic();
  const signedAt = /^\d{1,12}$/.test(stamp) ? Number(stamp) * 1000 : Number.NaN;
  refuseStaleTimestamp(signedAt, check.now, check.toleranceMs);
  const ttlMs = Math.max(1, signedAt + check.toleranceMs - check.now);
  if (!(await check.replayStore.claim(`mailgun:token:${token}`, ttlMs))) {
    throw new WebhookError(403, "this Mailgun signature token was already used");
  }
}
