import {
  defaultWebhookEnv,
  type EnvSource,
  envValue,
  fromBase64,
  MailError,
  missingWebhookSecret,
  positiveOption,
} from "@posse/mail-core/webhooks";

/** Options of {@link resendWebhook}; when `secret` is omitted it comes from `RESEND_WEBHOOK_SECRET`. */
export interface ResendWebhookOptions {
  /** The endpoint's signing secret (`whsec_…`) from Resend's webhook page; default `RESEND_WEBHOOK_SECRET`. */
  readonly secret?: string;
  /** Accept requests without checking their signature. Only for local experiments: anyone can forge events. */
  readonly insecureNoVerification?: boolean;
  /**
   * How far `svix-timestamp` may be from now, in seconds; default 300 (the Svix libraries' window; Svix signs each
   * attempt anew). A positive finite number (CONFIG otherwise).
   */
  readonly toleranceSeconds?: number;
  /** Current time in milliseconds; default `Date.now` (tests inject a fake clock). */
  readonly now?: () => number;
  /** Where variables are read; default `process.env`. */
  readonly env?: EnvSource;
}

/** The resolved settings: the HMAC key bytes, or null when verification is switched off. */
export interface ResendWebhookSettings {
  readonly key: Uint8Array | null;
  readonly toleranceMs: number;
  readonly now: () => number;
}

const SECRET_VARIABLE = "RESEND_WEBHOOK_SECRET";

/** The HMAC key a Svix secret stands for: the base64 after `whsec_`, decoded. */
function secretKey(secret: string, field: string): Uint8Array {
  const key = fromBase64(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret);
  if (key === undefined || key.length === 0) {
    throw new MailError(
      "CONFIG",
      `the resend webhook's ${field} is not a Resend signing secret (whsec_ followed by base64)`,
      { provider: "resend", field },
    );
  }
  return key;
}

/** Options from code, else from the environment; no secret and no explicit opt-out is a `CONFIG` error. */
export function resolveSettings(options: ResendWebhookOptions): ResendWebhookSettings {
  const fromCode = options.secret !== undefined && options.secret.trim() !== "";
  const secret = fromCode
    ? options.secret?.trim()
    : envValue(options.env ?? defaultWebhookEnv(), SECRET_VARIABLE);
  const toleranceSeconds = positiveOption(options.toleranceSeconds, {
    owner: "the resend webhook",
    field: "toleranceSeconds",
    unit: "seconds",
    provider: "resend",
  });
  const common = { toleranceMs: (toleranceSeconds ?? 300) * 1000, now: options.now ?? Date.now };
  if (secret === undefined) {
    if (options.insecureNoVerification === true) return { key: null, ...common };
    throw missingWebhookSecret("resend", [SECRET_VARIABLE]);
  }
  return { key: secretKey(secret, fromCode ? "secret" : SECRET_VARIABLE), ...common };
}
