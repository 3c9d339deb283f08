import { builtinProvider, defineProvider } from "@posse/mail-core/provider";
import { CONFIG_SCHEMA, configFromEnv, type MailjetConfig } from "./config.js";
import { createTransport } from "./transport.js";

/** The Mailjet provider: `MAIL_PROVIDER=mailjet` with `MAILJET_API_KEY` and `MAILJET_API_SECRET`. */
export const mailjetProvider = defineProvider<MailjetConfig>({
  ...builtinProvider("mailjet"),
  // Mailjet caps a message at 15 MB including attachments, which travel base64-encoded.
  maxAttachmentBytes: Math.floor((15 * 1024 * 1024 * 3) / 4),
  secretKeys: ["apiKey", "apiSecret"],
  config: CONFIG_SCHEMA,
  configFromEnv,
  create: createTransport,
});
