import { MailError } from "@posse/mail-core";
import type { ConfigSchema, EnvValues } from "@posse/mail-core/provider";

/** Settings of the Amazon SES provider. */
export interface AmazonSesConfig {
  /** AWS region of the SES account, e.g. `us-east-1`, from `AWS_SES_REGION`. */
  readonly region: string;
  /** IAM access key id; with no keys the AWS default credential chain is used. */
  readonly accessKeyId?: string;
  /** IAM secret access key, together with `accessKeyId`. */
  readonly secretAccessKey?: string;
  /** Session token of temporary credentials, with the keys above. */
  readonly sessionToken?: string;
  /** API base URL; default `https://email.{region}.amazonaws.com`. For tests, proxies and VPC endpoints. */
  readonly endpoint?: string;
  /** SES configuration set every message is sent with (event publishing, IP pool, …). */
  readonly configurationSetName?: string;
}

function configError(message: string): MailError {
  return new MailError("CONFIG", `amazon_ses ${message}`, { provider: "amazon_ses" });
}

/** What each config property holds, for the core's check at creation (see `ConfigSchema`). */
export const CONFIG_SCHEMA: ConfigSchema<AmazonSesConfig> = {
  region: "string!",
  accessKeyId: "string",
  secretAccessKey: "string",
  sessionToken: "string",
  endpoint: "url",
  configurationSetName: "string",
};

/**
 * Throws a `CONFIG` error for credentials that only work together (the env variables' `with`
 * declarations check the same for `AWS_SES_*`).
 */
export function checkConfig(config: Partial<AmazonSesConfig>): void {
  if ((config.accessKeyId === undefined) !== (config.secretAccessKey === undefined)) {
    throw configError(
      "needs accessKeyId and secretAccessKey together (or neither, for the AWS default credential chain)",
    );
  }
  if (config.sessionToken !== undefined && config.accessKeyId === undefined) {
    throw configError("uses a session token only with accessKeyId and secretAccessKey");
  }
}

/** Builds the config from `AWS_SES_REGION` and the optional `AWS_SES_*` credentials (checked by the core). */
export function configFromEnv(values: EnvValues): AmazonSesConfig {
  return {
    region: values.AWS_SES_REGION!,
    ...(values.AWS_SES_ACCESS_KEY_ID !== undefined && { accessKeyId: values.AWS_SES_ACCESS_KEY_ID }),
    ...(values.AWS_SES_SECRET_ACCESS_KEY !== undefined && {
      secretAccessKey: values.AWS_SES_SECRET_ACCESS_KEY,
    }),
    ...(values.AWS_SES_SESSION_TOKEN !== undefined && { sessionToken: values.AWS_SES_SESSION_TOKEN }),
  };
}
