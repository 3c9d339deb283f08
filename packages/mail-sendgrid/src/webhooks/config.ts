import {
  defaultWebhookEnv,
  type EnvSource,
  envValue,
  fromBase64,
  MailError,
  missingWebhookSecret,
  positiveOption,
} from "@posse/mail-core/webhooks";

/** Options of {@link sendgridWebhook}; when `publicKey` is omitted it comes from `SENDGRID_WEBHOOK_PUBLIC_KEY`. */
export interface SendgridWebhookOptions {
  /** The Signed Event Webhook's verification key: base64 DER (as SendGrid shows it) or PEM. */
  readonly publicKey?: string;
  /** Accept requests without checking their signature. Only for local experiments: anyone can forge events. */
  readonly insecureNoVerification?: boolean;
  /**
   * How far the signed timestamp may be from now, in seconds; default 600. A positive finite number (CONFIG
   * otherwise). SendGrid does not document whether its retries (for up to 24 hours) are signed anew: widen it up to
   * 86 400 if stale refusals show in your logs, and dedupe on `sg_event_id` (`dedupeEvents` of `@posse/mail-core`).
   */
  readonly toleranceSeconds?: number;
  /** Current time in milliseconds; default `Date.now` (tests inject a fake clock). */
  readonly now?: () => number;
  /** Where variables are read; default `process.env`. */
  readonly env?: EnvSource;
}

/** The resolved settings: the key's SPKI bytes, or null when verification is switched off. */
export interface SendgridWebhookSettings {
  readonly spki: Uint8Array | null;
  readonly toleranceMs: number;
  readonly now: () => number;
}

const KEY_VARIABLE = "SENDGRID_WEBHOOK_PUBLIC_KEY";
// SubjectPublicKeyInfo of an uncompressed P-256 key: AlgorithmIdentifier(ecPublicKey, prime256v1), then the
// 65-byte point (0x04 ‖ x ‖ y). SendGrid's verification keys have exactly this form.
const P256_SPKI_PREFIX = "3059301306072a8648ce3d020106082a8648ce3d030107034200";
const SPKI_LENGTH = 91;

/** The SPKI bytes of a base64 DER key, with or without PEM armour; throws CONFIG naming `field` otherwise. */
function spkiBytes(key: string, field: string): Uint8Array {
  const encoded = key.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, "").replace(/\s+/g, "");
  const bytes = fromBase64(encoded) ?? new Uint8Array();
  const prefix = Array.from(bytes.subarray(0, P256_SPKI_PREFIX.length / 2), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
  if (bytes.length !== SPKI_LENGTH || prefix !== P256_SPKI_PREFIX || bytes[26] !== 0x04) {
    throw new MailError(
      "CONFIG",
      `the sendgrid webhook's ${field} is not a SendGrid verification key (base64 DER of a P-256 public key)`,
      { provider: "sendgrid", field },
    );
  }
  return bytes;
}

/** Options from code, else from the environment; no key and no explicit opt-out is a `CONFIG` error. */
export function resolveSettings(options: SendgridWebhookOptions): SendgridWebhookSettings {
  const fromCode = options.publicKey !== undefined && options.publicKey.trim() !== "";
  const key = fromCode ? options.publicKey : envValue(options.env ?? defaultWebhookEnv(), KEY_VARIABLE);
  const toleranceSeconds = positiveOption(options.toleranceSeconds, {
    owner: "the sendgrid webhook",
    field: "toleranceSeconds",
    unit: "seconds",
    provider: "sendgrid",
  });
  const common = { toleranceMs: (toleranceSeconds ?? 600) * 1000, now: options.now ?? Date.now };
  if (key === undefined) {
    if (options.insecureNoVerification === true) return { spki: null, ...common };
    throw missingWebhookSecret("sendgrid", [KEY_VARIABLE]);
  }
  return { spki: spkiBytes(key, fromCode ? "publicKey" : KEY_VARIABLE), ...common };
}
