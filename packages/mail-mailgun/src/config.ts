import { type EnvValues, MailError } from "@posse/mail-core";

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

// A host name: the domain goes into the request path, so nothing else may pass.
const HOST_NAME = /^(?!-)[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$/;

/** Builds the config from `MAILGUN_API_KEY`, `MAILGUN_DOMAIN` and `MAILGUN_REGION`. */
export function configFromEnv(values: EnvValues): MailgunConfig {
  const region = (values.MAILGUN_REGION ?? "us").toLowerCase();
  if (region !== "us" && region !== "eu") {
    throw new MailError("CONFIG", 'MAILGUN_REGION must be "us" or "eu" (the region of your Mailgun account)');
  }
  const domain = values.MAILGUN_DOMAIN!;
  if (!HOST_NAME.test(domain)) {
    throw new MailError(
      "CONFIG",
      "MAILGUN_DOMAIN must be the bare sending domain name, with no scheme or path",
    );
  }
  return { apiKey: values.MAILGUN_API_KEY!, domain, region };
}

/** The API base URL a config points at. */
export function baseUrl(config: MailgunConfig): string {
  if (config.endpoint !== undefined) return config.endpoint;
  const url = REGION_URLS[config.region ?? "us"];
  if (url === undefined) throw new MailError("CONFIG", 'mailgun region must be "us" or "eu"');
  return url;
}
