import {
  type Clock,
  defaultWebhookEnv,
  type EnvSource,
  envValue,
  MailError,
  missingWebhookSecret,
  systemClock,
} from "@posse/mail-core/webhooks";

/** Options of {@link sesWebhook}; when `topicArns` is omitted it comes from `MAIL_SES_SNS_TOPIC_ARNS`. */
export interface SesWebhookOptions {
  /**
   * The SNS topics whose messages are accepted (ARNs); any other topic is refused with 403, even when SNS
   * signed it. Default: `MAIL_SES_SNS_TOPIC_ARNS`, comma-separated.
   */
  readonly topicArns?: readonly string[];
  /** Accept requests without checking their SNS signature or topic. Only for local experiments: anyone can forge events. */
  readonly insecureNoVerification?: boolean;
  /**
   * How far a message's `Timestamp` (when it was published; SNS keeps it on every retry) may be from now, past
   * or future, in seconds; default no limit. SNS retries an HTTPS delivery for at most 3,600 s, so 3,900 keeps
   * every retry and refuses a captured message replayed later.
   */
  readonly toleranceSeconds?: number;
  /**
   * The fetch that downloads SNS signing certificates and confirms subscriptions (only ever from an
   * `https://sns.<region>.amazonaws.com` URL); default the global `fetch`. Tests inject one.
   */
  readonly fetch?: typeof fetch;
  /** Time for the `Timestamp` check and the certificate download's timeout; default the system clock (tests inject a fake one). */
  readonly clock?: Clock;
  /** Where variables are read; default `process.env`. */
  readonly env?: EnvSource;
}

/** The resolved settings: the topic allow-list, or null when verification is switched off. */
export interface SesWebhookSettings {
  readonly topicArns: ReadonlySet<string> | null;
  /** The `Timestamp` window in ms, or undefined for none. */
  readonly toleranceMs: number | undefined;
  readonly fetch: typeof fetch;
  readonly clock: Clock;
}

const TOPICS_VARIABLE = "MAIL_SES_SNS_TOPIC_ARNS";

/** The window in ms; a `toleranceSeconds` that is not a finite number above zero is a `CONFIG` error. */
function toleranceMs(seconds: number | undefined): number | undefined {
  if (seconds === undefined) return undefined;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0) {
    throw new MailError(
      "CONFIG",
      "the amazon_ses webhook's toleranceSeconds must be a finite number of seconds above 0 (leave it out for no limit)",
      { provider: "amazon_ses", field: "toleranceSeconds" },
    );
  }
  return seconds * 1000;
}

/** Options from code, else from the environment; no topic and no explicit opt-out is a `CONFIG` error. */
export function resolveSettings(options: SesWebhookOptions): SesWebhookSettings {
  const list =
    options.topicArns ?? (envValue(options.env ?? defaultWebhookEnv(), TOPICS_VARIABLE) ?? "").split(",");
  const topicArns = new Set(list.map((arn) => arn.trim()).filter((arn) => arn !== ""));
  const common = {
    toleranceMs: toleranceMs(options.toleranceSeconds),
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    clock: options.clock ?? systemClock,
  } satisfies Omit<SesWebhookSettings, "topicArns">;
  if (topicArns.size === 0) {
    if (options.insecureNoVerification === true) return { topicArns: null, ...common };
    throw missingWebhookSecret("amazon_ses", [TOPICS_VARIABLE]);
  }
  return { topicArns, ...common };
}
