import {
  fromBase64,
  refuseStaleTimestamp,
  WebhookError,
  type WebhookHead,
  type WebhookRequest,
} from "@posse/mail-core/webhooks";

const SIGNATURE_HEADER = "x-twilio-email-event-webhook-signature";
const TIMESTAMP_HEADER = "x-twilio-email-event-webhook-timestamp";
const encoder = new TextEncoder();

/** A WebCrypto key (named through `crypto`, as the global `CryptoKey` type is not in every setup). */
export type VerifyKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

function header(request: WebhookHead, name: string): string {
  const value = request.headers.get(name);
  if (value === null || value === "") throw new WebhookError(401, `missing ${name} header`);
  return value;
}

/** One DER INTEGER at `offset` as 32 big-endian bytes, and where the next element starts. */
function derInteger(der: Uint8Array, offset: number): [Uint8Array, number] | undefined {
  const length = der[offset + 1];
  if (der[offset] !== 0x02 || length === undefined || length < 1 || length > 33) return undefined;
  let value = der.subarray(offset + 2, offset + 2 + length);
  if (value.length !== length) return undefined;
  while (value.length > 32 && value[0] === 0) value = value.subarray(1);
  if (value.length > 32) return undefined;
  const padded = new Uint8Array(32);
  padded.set(value, 32 - value.length);
  return [padded, offset + 2 + length];
}

/**
 * An ECDSA signature in ASN.1 DER (`SEQUENCE { INTEGER r, INTEGER s }`, how SendGrid sends it) as the
 * 64-byte `r ‖ s` that WebCrypto verifies; undefined when it is not such a structure.
 */
export function derToRawSignature(der: Uint8Array): Uint8Array | undefined {
  if (der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const r = derInteger(der, 2);
  const s = r && derInteger(der, r[1]);
  if (r === undefined || s === undefined || s[1] !== der.length) return undefined;
  const raw = new Uint8Array(64);
  raw.set(r[0]);
  raw.set(s[0], 32);
  return raw;
}

/** The 64-byte signature of the signature header; WebhookError 401 when it is not a DER ECDSA signature. */
function rawSignature(request: WebhookHead): Uint8Array {
  const der = fromBase64(header(request, SIGNATURE_HEADER));
  const raw = der && derToRawSignature(der);
  if (raw === undefined) throw new WebhookError(401, `${SIGNATURE_HEADER} is not an ECDSA signature`);
  return raw;
}

/**
 * What the headers of a signed post can prove before its body is read: the signature and timestamp headers are
 * there (401 otherwise), the signature is a DER ECDSA signature (401), and the timestamp is no further than
 * `toleranceMs` from now (403).
 */
export function checkEventHeaders(request: WebhookHead, toleranceMs: number, now: () => number): void {
  rawSignature(request);
  const timestamp = header(request, TIMESTAMP_HEADER);
  refuseStaleTimestamp(
    /^\d{1,12}$/.test(timestamp) ? Number(timestamp) * 1000 : Number.NaN,
    now(),
    toleranceMs,
  );
}

/**
 * Checks SendGrid's Signed Event Webhook: ECDSA P-256 with SHA-256 over the timestamp header's bytes followed
 * by the raw body bytes (events separated by `\r\n`, exactly as posted), against the base64 DER signature. The
 * headers passed {@link checkEventHeaders}.
 */
export async function verifyEventSignature(
  request: WebhookRequest,
  publicKey: Promise<VerifyKey>,
): Promise<void> {
  const raw = rawSignature(request);
  const prefix = encoder.encode(header(request, TIMESTAMP_HEADER));
  const signed = new Uint8Array(prefix.length + request.body.length);
  signed.set(prefix);
  signed.set(request.body, prefix.length);
  const valid = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, await publicKey, raw, signed);
  if (!valid) throw new WebhookError(401, `${SIGNATURE_HEADER} does not match the body`);
}
