import type { ConfigSchema, EnvValues } from "@posse/mail-core/provider";

/** Settings of the SendGrid provider. */
export interface SendgridConfig {
  /** API key (`SG.…`) with the Mail Send permission, from `SENDGRID_API_KEY`. */
  readonly apiKey: string;
  /** API base URL; default `https://api.sendgrid.com` (EU subusers: `https://api.eu.sendgrid.com`). */
  readonly endpoint?: string;
}

/** What each config property holds, for the core's check at creation (see `ConfigSchema`). */
export const CONFIG_SCHEMA: ConfigSchema<SendgridConfig> = {
  apiKey: "string!",
  endpoint: "url",
};

/** Builds the config from `SENDGRID_API_KEY`. */
export function configFromEnv(values: EnvValues): SendgridConfig {
  return { apiKey: values.SENDGRID_API_KEY! };
}
