import { builtinProvider, defineProvider } from "@posse/mail-core/provider";
import { type AmazonSesConfig, CONFIG_SCHEMA, configFromEnv } from "./config.js";
import { createTransport } from "./transport.js";

/** The Amazon SES provider: `MAIL_PROVIDER=amazon_ses` with `AWS_SES_REGION` and IAM credentials. */
export const amazonSesProvider = defineProvider<AmazonSesConfig>({
  ...builtinProvider("amazon_ses"),
  // SES v2 accepts messages up to 40 MB including base64 encoding, i.e. about 30 MB of attachments.
  maxAttachmentBytes: 30 * 1024 * 1024,
  // The access key id names the IAM user and appears in every signature: masked like the secrets.
  secretKeys: ["accessKeyId", "secretAccessKey", "sessionToken"],
  config: CONFIG_SCHEMA,
  configFromEnv,
  create: createTransport,
});
