import {
  fromBase64,
  refuseStaleTimestamp,
  WebhookError,
  type WebhookHead,
  type WebhookRequest,
} from "@posse/mail-core/webhooks";

const encoder = new TextEncoder();

/** A WebCrypto key (named through `crypto`, as the global `CryptoKey` type is not in every setup). */
export type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** The HMAC-SHA256 verify key of a secret's bytes. */
export function hmacKey(secret: Uint8Array): Promise<HmacKey> {
  return crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
}

function header(request: WebhookHead, name: string): string {
  const value = request.headers.get(name);
  if (value === null || value === "") throw new WebhookError(401, `missing ${name} header`);
  return value;
}

/**
 * What the headers of a Svix post can prove before its body is read: `svix-id`, `svix-timestamp` and
 * `svix-signature` are all there (401 otherwise), and the timestamp is no further than `toleranceMs` from now,
 * past or future (403), so a captured request cannot be replayed later.
 */
export function checkSvixHeaders(request: WebhookHead, toleranceMs: number, now: () => number): void {
  header(request, "svix-id");
  const timestamp = header(request, "svix-timestamp");
  header(request, "svix-signature");
  refuseStaleTimestamp(
    /^\d{1,12}$/.test(timestamp) ? Number(timestamp) * 1000 : Number.NaN,
    now(),
    toleranceMs,
  );
}

/**
 * Checks Resend's Svix signature: HMAC-SHA256 with the secret's key over `${svix-id}.${svix-timestamp}.` and
 * the raw body bytes, against every `v1,<base64>` entry of `svix-signature` (several during a secret
 * rotation); WebCrypto's HMAC verify compares in constant time. The headers passed {@link checkSvixHeaders}.
 */
export async function verifySvixSignature(request: WebhookRequest, key: Promise<HmacKey>): Promise<void> {
  const id = header(request, "svix-id");
  const timestamp = header(request, "svix-timestamp");
  const signatures = header(request, "svix-signature");
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
