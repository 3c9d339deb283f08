import { MailError } from "@posse/mail-core";
import type { ConfigSchema, EnvValues } from "@posse/mail-core/provider";

/** Where a Mailgun account lives: the US (default) or the EU API. */
export type MailgunRegion = "us" | "eu";

/** Settings of the Mailgun provider. */
export interface MailgunConfig {
  /** Private API key, from `MAILGUN_API_KEY`. */
  readonly apiKey: string;
  /** Sending domain, e.g. `mg.example.com`, from `MAILGUN_DOMAIN`. */
  readonly domain: string;
  /** Account region, from `MAILGUN_REGION`; default `us`. Picks the API host unless `endpoint` is set. */
  readonly region?: MailgunRegion;
  /** API base URL; overrides the region's host. For tests and proxies. */
  readonly endpoint?: string;
}

/** API base URL of each region. */
export const REGION_URLS: Readonly<Record<MailgunRegion, string>> = {
  us: "https://api.mailgun.net",
  eu: "https://api.eu.mailgun.net",
};

/** What each config property holds, for the core's check at creation; the domain goes into the request path. */
export const CONFIG_SCHEMA: ConfigSchema<MailgunConfig> = {
  apiKey: "string!",
  domain: "hostname!",
  region: "string",
  endpoint: "url",
};

/**
 * Builds the config from `MAILGUN_API_KEY`, `MAILGUN_DOMAIN` and `MAILGUN_REGION`, which the core has
 * checked against their declarations (a bare domain name; `us` or `eu`).
 */
export function configFromEnv(values: EnvValues): MailgunConfig {
  return {
    apiKey: values.MAILGUN_API_KEY!,
    domain: values.MAILGUN_DOMAIN!,
    region: (values.MAILGUN_REGION ?? "us") as MailgunRegion,
  };
}

/** The API base URL a config points at. */
export function baseUrl(config: MailgunConfig): string {
  if (config.endpoint !== undefined) return config.endpoint;
  const url = REGION_URLS[config.region ?? "us"];
  if (url === undefined) {
    throw new MailError("CONFIG", 'mailgun config region must be "us" or "eu"', {
      provider: "mailgun",
      field: "region",
    });
  }
  return url;
}
