import { builtinProvider, defineProvider } from "@posse/mail-core/provider";
import { CONFIG_SCHEMA, configFromEnv, type SendgridConfig } from "./config.js";
import { createTransport } from "./transport.js";

/** The SendGrid provider: `MAIL_PROVIDER=sendgrid` with `SENDGRID_API_KEY`. */
export const sendgridProvider = defineProvider<SendgridConfig>({
  ...builtinProvider("sendgrid"),
  // SendGrid's limit is 30 MB per request after base64 encoding, i.e. about 22 MB of attachments.
  maxAttachmentBytes: Math.floor((30 * 1024 * 1024 * 3) / 4),
  secretKeys: ["apiKey"],
  config: CONFIG_SCHEMA,
  configFromEnv,
  create: createTransport,
});
