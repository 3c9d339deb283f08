import { builtinProvider, defineProvider } from "@posse/mail-core/provider";
import { CONFIG_SCHEMA, configFromEnv, type MailgunConfig } from "./config.js";
import { createTransport } from "./transport.js";

/** The Mailgun provider: `MAIL_PROVIDER=mailgun` with `MAILGUN_API_KEY` and `MAILGUN_DOMAIN`. */
export const mailgunProvider = defineProvider<MailgunConfig>({
  ...builtinProvider("mailgun"),
  // Mailgun's limit is 25 MB per message.
  maxAttachmentBytes: 25 * 1024 * 1024,
  secretKeys: ["apiKey"],
  config: CONFIG_SCHEMA,
  configFromEnv,
  create: createTransport,
});
