import type { ConfigSchema, EnvValues } from "@posse/mail-core/provider";

/** Settings of the Brevo provider. */
export interface BrevoConfig {
  /** API v3 key (`xkeysib-…`), from `BREVO_API_KEY`. */
  readonly apiKey: string;
  /** API base URL including `/v3`; default `https://api.brevo.com/v3`. For tests and proxies. */
  readonly endpoint?: string;
}

/** What each config property holds, for the core's check at creation (see `ConfigSchema`). */
export const CONFIG_SCHEMA: ConfigSchema<BrevoConfig> = {
  apiKey: "string!",
  endpoint: "url",
};

/** Builds the config from `BREVO_API_KEY`. */
export function configFromEnv(values: EnvValues): BrevoConfig {
  return { apiKey: values.BREVO_API_KEY! };
}
