import { fromBase64, limitResponseBody, readCappedText, WebhookError } from "@posse/mail-core/provider";
import { certificatePublicKey } from "./certificate-key.js";
import { isSnsUrl, type SnsMessage } from "./sns-message.js";

const HASHES: Readonly<Record<string, string>> = { "1": "SHA-1", "2": "SHA-256" };
const NOTIFICATION_KEYS = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"] as const;
const SUBSCRIPTION_KEYS = [
  "Message",
  "MessageId",
  "SubscribeURL",
  "Timestamp",
  "Token",
  "TopicArn",
  "Type",
] as const;
const CACHE_SIZE = 32;
const CERTIFICATE_MAX_BYTES = 16 * 1024;

/**
 * SNS's string to sign: `key\nvalue\n` for each key of the type's fixed, alphabetical list that the message
 * holds, from the decoded JSON values.
 */
export function stringToSign(message: SnsMessage): string {
  const keys = message.Type === "Notification" ? NOTIFICATION_KEYS : SUBSCRIPTION_KEYS;
  return keys
    .filter((key) => message[key] !== undefined)
    .map((key) => `${key}\n${message[key]}\n`)
    .join("");
}

/** Downloads SNS signing certificates (only from SNS's https hosts) and keeps the last few keys. */
export function certificateCache(fetcher: typeof fetch) {
  const keys = new Map<string, Promise<Uint8Array>>();

  async function download(url: string): Promise<Uint8Array> {
    const response = await fetcher(url, { redirect: "error" });
    // Read up to the limit, counted as decoded, then cancelled: not the whole answer, however large.
    const text = await readCappedText(limitResponseBody(response, CERTIFICATE_MAX_BYTES));
    if (!response.ok || text === undefined) {
      throw new Error(`the SNS signing certificate could not be downloaded (HTTP ${response.status})`);
    }
    const spki = certificatePublicKey(text);
    if (spki === undefined) throw new Error("the SNS signing certificate is not an X.509 certificate");
    return spki;
  }

  /** The public key (SPKI) of the certificate at `url`; a failed download is not kept. */
  return function publicKey(url: string): Promise<Uint8Array> {
    let key = keys.get(url);
    if (key === undefined) {
      key = download(url);
      key.catch(() => keys.delete(url));
      if (keys.size >= CACHE_SIZE) keys.delete(keys.keys().next().value as string);
      keys.set(url, key);
    }
    return key;
  };
}

/**
 * Checks an SNS message's signature: version 1 is SHA1withRSA, version 2 SHA256withRSA, over
 * {@link stringToSign}, with the key of the certificate at `SigningCertURL`, which must be an https URL on an
 * SNS host and end in `.pem`. 401 when the message is not SNS's.
 */
export async function verifySnsSignature(
  message: SnsMessage,
  publicKey: (url: string) => Promise<Uint8Array>,
): Promise<void> {
  const hash = HASHES[message.SignatureVersion ?? ""];
  if (hash === undefined) throw new WebhookError(401, "the SNS message has no known SignatureVersion");
  const certificateUrl = message.SigningCertURL;
  if (!isSnsUrl(certificateUrl) || !new URL(certificateUrl).pathname.endsWith(".pem")) {
    throw new WebhookError(401, "the SNS message's SigningCertURL is not an SNS certificate URL");
  }
  const signature = fromBase64(message.Signature ?? "");
  if (signature === undefined || signature.length === 0) {
    throw new WebhookError(401, "the SNS message has no Signature");
  }
  const key = await crypto.subtle.importKey(
    "spki",
    await publicKey(certificateUrl),
    { name: "RSASSA-PKCS1-v1_5", hash },
    false,
    ["verify"],
  );
  const data = new TextEncoder().encode(stringToSign(message));
  if (!(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, signature, data))) {
    throw new WebhookError(401, "the SNS signature does not match the message");
  }
}
