import type { ConfigSchema, EnvValues } from "@posse/mail-core/provider";

/** Settings of the Postmark provider. */
export interface PostmarkConfig {
  /** Server API token, from `POSTMARK_API_TOKEN`. */
  readonly serverToken: string;
  /** API base URL; default `https://api.postmarkapp.com`. For tests and proxies. */
  readonly endpoint?: string;
  /** Message stream id, e.g. `outbound`; left out by default so Postmark uses the server's default stream. */
  readonly messageStream?: string;
}

/** What each config property holds, for the core's check at creation (see `ConfigSchema`). */
export const CONFIG_SCHEMA: ConfigSchema<PostmarkConfig> = {
  serverToken: "string!",
  endpoint: "url",
  messageStream: "string",
};

/** Builds the config from `POSTMARK_API_TOKEN`. */
export function configFromEnv(values: EnvValues): PostmarkConfig {
  return { serverToken: values.POSTMARK_API_TOKEN! };
}
