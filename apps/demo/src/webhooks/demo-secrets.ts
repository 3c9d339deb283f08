import { generateKeyPair, type KeyObject, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { selfSignedCertificate } from "./self-signed-certificate.js";

/**
 * The secrets and keys of one demo run: each vendor's endpoint checks them, and only the demo's sample poster
 * knows them. Made fresh at every start, held in memory, never printed.
 */
export interface DemoWebhookSecrets {
  /** Postmark: Basic credentials of the registered URL. */
  readonly postmark: { readonly username: string; readonly password: string };
  /** Brevo: the token of the webhook's bearer auth. */
  readonly brevoToken: string;
  /** Mailjet: Basic credentials of the event callback URL. */
  readonly mailjet: { readonly username: string; readonly password: string };
  /** Resend (Svix): the endpoint's signing secret, `whsec_` + base64. */
  readonly resendSecret: string;
  /** Mailgun: the HTTP webhook signing key. */
  readonly mailgunSigningKey: string;
  /** SendGrid: the P-256 key that signs the samples; the endpoint gets its public key (base64 DER, as SendGrid shows it). */
  readonly sendgrid: { readonly privateKey: KeyObject; readonly publicKey: string };
  /** Amazon SES through SNS: the topic, the signing key and its self-signed certificate, and where SNS would serve it. */
  readonly ses: {
    readonly topicArn: string;
    readonly privateKey: KeyObject;
    readonly certificate: string;
    readonly certificateUrl: string;
  };
}

const generate = promisify(generateKeyPair);
const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** Fresh random secrets and keys for every vendor (the RSA key takes some tens of milliseconds, off the main thread). */
export async function createDemoWebhookSecrets(now = new Date()): Promise<DemoWebhookSecrets> {
  const [sendgrid, ses] = await Promise.all([
    generate("ec", { namedCurve: "P-256" }),
    generate("rsa", { modulusLength: 2048 }),
  ]);
  return {
    postmark: { username: "postmark", password: hex(16) },
    brevoToken: hex(24),
    mailjet: { username: "mailjet", password: hex(16) },
    resendSecret: `whsec_${randomBytes(24).toString("base64")}`,
    mailgunSigningKey: `key-${hex(16)}`,
    sendgrid: {
      privateKey: sendgrid.privateKey,
      publicKey: sendgrid.publicKey.export({ type: "spki", format: "der" }).toString("base64"),
    },
    ses: {
      topicArn: "arn:aws:sns:us-east-1:123456789012:posse-demo-ses-events",
      privateKey: ses.privateKey,
      certificate: selfSignedCertificate(ses, "posse-mail demo SNS signing certificate", now),
      certificateUrl: `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${hex(16)}.pem`,
    },
  };
}
