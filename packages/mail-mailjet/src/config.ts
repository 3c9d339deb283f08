import type { ConfigSchema, EnvValues } from "@posse/mail-core/provider";

/** Settings of the Mailjet provider. */
export interface MailjetConfig {
  /** API key (public), from `MAILJET_API_KEY`. */
  readonly apiKey: string;
  /** API secret key (private), from `MAILJET_API_SECRET`. */
  readonly apiSecret: string;
  /**
   * API base URL; default `https://api.mailjet.com` (`https://api.us.mailjet.com` for US accounts). The SDK
   * speaks https only; a path (for a proxy) is kept in front of `/v3.1/send`.
   */
  readonly endpoint?: string;
}

/** What each config property holds, for the core's check at creation (see `ConfigSchema`). */
export const CONFIG_SCHEMA: ConfigSchema<MailjetConfig> = {
  apiKey: "string!",
  apiSecret: "string!",
  endpoint: "url",
};

/** Builds the config from `MAILJET_API_KEY` and `MAILJET_API_SECRET`. */
export function configFromEnv(values: EnvValues): MailjetConfig {
  return { apiKey: values.MAILJET_API_KEY!, apiSecret: values.MAILJET_API_SECRET! };
}
