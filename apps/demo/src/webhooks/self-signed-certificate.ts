import { type KeyObject, sign } from "node:crypto";
import {
  bitString,
  der,
  derNull,
  objectIdentifier,
  sequence,
  unsignedInteger,
  utcTime,
  utf8String,
} from "./der.js";

const SHA256_WITH_RSA = sequence(objectIdentifier("1.2.840.113549.1.1.11"), derNull());
const COMMON_NAME = "2.5.4.3";
const DAY_MS = 24 * 60 * 60 * 1000;

function pem(label: string, bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes).toString("base64");
  return `-----BEGIN ${label}-----\n${base64.replace(/.{1,64}/g, "$&\n")}-----END ${label}-----\n`;
}

/**
 * A self-signed X.509 v3 certificate (PEM) of an RSA key pair, named `commonName`, valid from a day before
 * `now` for a week: what the demo serves as its SNS signing certificate, so its SES sample is verified the way
 * SNS's messages are, without a certificate file or a download.
 */
export function selfSignedCertificate(
  keys: { readonly publicKey: KeyObject; readonly privateKey: KeyObject },
  commonName: string,
  now: Date,
): string {
  const name = sequence(der(0x31, sequence(objectIdentifier(COMMON_NAME), utf8String(commonName))));
  const serial = crypto.getRandomValues(new Uint8Array(16));
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const tbs = sequence(
    der(0xa0, unsignedInteger(Uint8Array.of(2))),
    unsignedInteger(serial),
    SHA256_WITH_RSA,
    name,
    sequence(utcTime(new Date(now.getTime() - DAY_MS)), utcTime(new Date(now.getTime() + 7 * DAY_MS))),
    name,
    keys.publicKey.export({ type: "spki", format: "der" }),
  );
  const signature = sign("sha256", tbs, keys.privateKey);
  return pem("CERTIFICATE", sequence(tbs, SHA256_WITH_RSA, bitString(signature)));
}
