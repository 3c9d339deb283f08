import { type EnvValues, MailError } from "@posse/mail-core";

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

/** Throws a `CONFIG` error for settings SES cannot work with; `names` says how to call each setting. */
export function checkConfig(
  config: Partial<AmazonSesConfig>,
  names = { region: "region", accessKeyId: "accessKeyId", secretAccessKey: "secretAccessKey" },
): void {
  if (!config.region) throw configError(`needs ${names.region} to be set`);
  if ((config.accessKeyId === undefined) !== (config.secretAccessKey === undefined)) {
    throw configError(
      `needs ${names.accessKeyId} and ${names.secretAccessKey} together (or neither, for the AWS default credential chain)`,
    );
  }
  if (config.sessionToken !== undefined && config.accessKeyId === undefined) {
    throw configError(`uses a session token only with ${names.accessKeyId} and ${names.secretAccessKey}`);
  }
}

/** Builds the config from `AWS_SES_REGION` and the optional `AWS_SES_*` credentials. */
export function configFromEnv(values: EnvValues): AmazonSesConfig {
  const config: AmazonSesConfig = {
    region: values.AWS_SES_REGION!,
    ...(values.AWS_SES_ACCESS_KEY_ID !== undefined && { accessKeyId: values.AWS_SES_ACCESS_KEY_ID }),
    ...(values.AWS_SES_SECRET_ACCESS_KEY !== undefined && {
      secretAccessKey: values.AWS_SES_SECRET_ACCESS_KEY,
    }),
    ...(values.AWS_SES_SESSION_TOKEN !== undefined && { sessionToken: values.AWS_SES_SESSION_TOKEN }),
  };
  checkConfig(config, {
    region: "AWS_SES_REGION",
    accessKeyId: "AWS_SES_ACCESS_KEY_ID",
    secretAccessKey: "AWS_SES_SECRET_ACCESS_KEY",
  });
  return config;
}
