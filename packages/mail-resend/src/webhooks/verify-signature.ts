import {
  fromBase64,
  refuseStaleTimestamp,
  WebhookError,
  type WebhookRequest,
} from "@posse/mail-core/provider";

const encoder = new TextEncoder();

/** A WebCrypto key (named through `crypto`, as the global `CryptoKey` type is not in every setup). */
export type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** The HMAC-SHA256 verify key of a secret's bytes. */
export function hmacKey(secret: Uint8Array): Promise<HmacKey> {
  return crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
}

function header(request: WebhookRequest, name: string): string {
  const value = request.headers.get(name);
  if (value === null || value === "") throw new WebhookError(401, `missing ${name} header`);
  return value;
}

/**
 * Checks Resend's Svix signature: HMAC-SHA256 with the secret's key over `${svix-id}.${svix-timestamp}.` and
 * the raw body bytes, against every `v1,<base64>` entry of `svix-signature` (several during a secret
 * rotation); WebCrypto's HMAC verify compares in constant time. A timestamp further than `toleranceMs` from
 * now (past or future) is refused, so a captured request cannot be replayed later.
 */
export async function verifySvixSignature(
  request: WebhookRequest,
  key: Promise<HmacKey>,
  toleranceMs: number,
  now: () => number,
): Promise<void> {
  const id = header(request, "svix-id");
  const timestamp = header(request, "svix-timestamp");
  const signatures = header(request, "svix-signature");
  refuseStaleTimestamp(
    /^\d{1,12}$/.test(timestamp) ? Number(timestamp) * 1000 : Number.NaN,
    now(),
    toleranceMs,
  );
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const signed = new Uint8Array(prefix.length + request.body.length);
  signed.set(prefix);
  signed.set(request.body, prefix.length);
  const hmac = await key;
  for (const entry of signatures.split(" ")) {
    const [version, encoded] = entry.split(",", 2);
    const signature = version === "v1" && encoded !== undefined ? fromBase64(encoded) : undefined;
    if (signature !== undefined && (await crypto.subtle.verify("HMAC", hmac, signature, signed))) return;
  }
  throw new WebhookError(401, "svix-signature does not match the body");
}
