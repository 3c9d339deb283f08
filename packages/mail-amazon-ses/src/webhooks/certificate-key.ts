import { fromBase64 } from "@posse/mail-core/webhooks";

interface Element {
  readonly tag: number;
  /** Where the element's header starts. */
  readonly from: number;
  /** Where its content starts. */
  readonly start: number;
  /** Where it ends. */
  readonly end: number;
}

/** The DER element at `from`, or undefined when the bytes there are not one. */
function element(der: Uint8Array, from: number, limit: number): Element | undefined {
  const tag = der[from];
  const first = der[from + 1];
  if (tag === undefined || first === undefined) return undefined;
  let length = first;
  let start = from + 2;
  if (first >= 0x80) {
    const count = first & 0x7f;
    if (count < 1 || count > 3) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[start + i] ?? Number.NaN);
    start += count;
  }
  const end = start + length;
  return Number.isInteger(end) && end <= limit ? { tag, from, start, end } : undefined;
}

const SEQUENCE = 0x30;

/**
 * The SubjectPublicKeyInfo (DER) of an X.509 certificate in PEM, for WebCrypto's `spki` import, so the SNS
 * signature is checked without `node:crypto`: Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version,
 * serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, … }, … }. Undefined when the text
 * is not such a certificate.
 */
export function certificatePublicKey(pem: string): Uint8Array | undefined {
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  const der = match && fromBase64(match[1]!.replace(/\s+/g, ""));
  if (!der) return undefined;
  const certificate = element(der, 0, der.length);
  if (certificate?.tag !== SEQUENCE) return undefined;
  const tbs = element(der, certificate.start, certificate.end);
  if (tbs?.tag !== SEQUENCE) return undefined;
  let field = element(der, tbs.start, tbs.end);
  if (field?.tag === 0xa0) field = element(der, field.end, tbs.end);
  // serialNumber, signature, issuer, validity, subject: then subjectPublicKeyInfo.
  for (let i = 0; i < 5 && field !== undefined; i++) field = element(der, field.end, tbs.end);
  if (field?.tag !== SEQUENCE) return undefined;
  return der.slice(field.from, field.end);
}
