import type { ConfigSchema, EnvValues } from "@posse/mail-core/provider";

/** Settings of the SparkPost provider. */
export interface SparkpostConfig {
  /** API key with the Transmissions: Read/Write permission, from `SPARKPOST_API_KEY`. */
  readonly apiKey: string;
  /** `us` (api.sparkpost.com, the default) or `eu` (api.eu.sparkpost.com), from `SPARKPOST_REGION`. */
  readonly region?: "us" | "eu";
  /** API base URL including `/api/v1`, overriding the region's; for tests and proxies. */
  readonly endpoint?: string;
}

/** What each config property holds, for the core's check when a mailer is created. */
export const CONFIG_SCHEMA: ConfigSchema<SparkpostConfig> = {
  apiKey: "string!",
  region: "string",
  endpoint: "url",
};

/** The API base URL a config sends to. */
export function baseUrl(config: SparkpostConfig): string {
  if (config.endpoint !== undefined) return config.endpoint.replace(/\/+$/, "");
  return config.region === "eu" ? "https://api.eu.sparkpost.com/api/v1" : "https://api.sparkpost.com/api/v1";
}

/** Builds the config from `SPARKPOST_API_KEY` and `SPARKPOST_REGION` (already checked by the core). */
export function configFromEnv(values: EnvValues): SparkpostConfig {
  return { apiKey: values.SPARKPOST_API_KEY!, region: values.SPARKPOST_REGION === "eu" ? "eu" : "us" };
}
