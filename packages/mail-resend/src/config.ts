import type { ConfigSchema, EnvValues } from "@posse/mail-core/provider";

/** Settings of the Resend provider. */
export interface ResendConfig {
  /** API key (`re_…`), from `RESEND_API_KEY`. */
  readonly apiKey: string;
  /** API base URL; default `https://api.resend.com`. For tests and proxies. */
  readonly endpoint?: string;
}

/** What each config property holds, for the core's check at creation (see `ConfigSchema`). */
export const CONFIG_SCHEMA: ConfigSchema<ResendConfig> = {
  apiKey: "string!",
  endpoint: "url",
};

/** Builds the config from `RESEND_API_KEY`. */
export function configFromEnv(values: EnvValues): ResendConfig {
  return { apiKey: values.RESEND_API_KEY! };
}
