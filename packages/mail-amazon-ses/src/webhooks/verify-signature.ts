import { fromBase64, WebhookError } from "@posse/mail-core/webhooks";
import { isSnsCertificateUrl, type SnsMessage } from "./sns-message.js";
import { stringToSign } from "./string-to-sign.js";

/** The hash of each SignatureVersion SNS uses: 1 is SHA1withRSA, 2 SHA256withRSA. */
const HASHES: ReadonlyMap<string, string> = new Map([
  ["1", "SHA-1"],
  ["2", "SHA-256"],
]);

/**
 * Checks an SNS message's signature: version 1 is SHA1withRSA, version 2 SHA256withRSA, over
 * {@link stringToSign}, with the key of the certificate at `SigningCertURL`, which must be SNS's
 * (`https://sns.<region>.amazonaws.com/SimpleNotificationService-<id>.pem`). 401 when the message is not SNS's.
 */
export async function verifySnsSignature(
  message: SnsMessage,
  publicKey: (url: string) => Promise<Uint8Array>,
): Promise<void> {
  const hash = HASHES.get(message.SignatureVersion ?? "");
  if (hash === undefined) throw new WebhookError(401, "the SNS message has no known SignatureVersion");
  const certificateUrl = message.SigningCertURL;
  if (!isSnsCertificateUrl(certificateUrl)) {
    throw new WebhookError(401, "the SNS message's SigningCertURL is not an SNS certificate URL");
  }
  const signature = fromBase64(message.Signature ?? "");
  if (signature === undefined || signature.length === 0) {
    throw new WebhookError(401, "the SNS message has no Signature");
  }
  const data = new TextEncoder().encode(stringToSign(message));
  const key = await crypto.subtle.importKey(
    "spki",
    await publicKey(certificateUrl),
    { name: "RSASSA-PKCS1-v1_5", hash },
    false,
    ["verify"],
  );
  if (!(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, signature, data))) {
    throw new WebhookError(401, "the SNS signature does not match the message");
  }
}
