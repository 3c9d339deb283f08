import { type EnvSource, envValue } from "@posse/mail-core";
import { defaultWebhookEnv, missingWebhookSecret } from "@posse/mail-core/provider";

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
   * The fetch that downloads SNS signing certificates and confirms subscriptions (only ever from an
   * `https://sns.<region>.amazonaws.com` URL); default the global `fetch`. Tests inject one.
   */
  readonly fetch?: typeof fetch;
  /** Where variables are read; default `process.env`. */
  readonly env?: EnvSource;
}

/** The resolved settings: the topic allow-list, or null when verification is switched off. */
export interface SesWebhookSettings {
  readonly topicArns: ReadonlySet<string> | null;
  readonly fetch: typeof fetch;
}

const TOPICS_VARIABLE = "MAIL_SES_SNS_TOPIC_ARNS";

/** Options from code, else from the environment; no topic and no explicit opt-out is a `CONFIG` error. */
export function resolveSettings(options: SesWebhookOptions): SesWebhookSettings {
  const list =
    options.topicArns ?? (envValue(options.env ?? defaultWebhookEnv(), TOPICS_VARIABLE) ?? "").split(",");
  const topicArns = new Set(list.map((arn) => arn.trim()).filter((arn) => arn !== ""));
  const fetcher = options.fetch ?? ((input, init) => fetch(input, init));
  if (topicArns.size === 0) {
    if (options.insecureNoVerification === true) return { topicArns: null, fetch: fetcher };
    throw missingWebhookSecret("amazon_ses", [TOPICS_VARIABLE]);
  }
  return { topicArns, fetch: fetcher };
}
