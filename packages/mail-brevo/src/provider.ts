import { builtinProvider, defineProvider } from "@posse/mail-core/provider";
import { type BrevoConfig, CONFIG_SCHEMA, configFromEnv } from "./config.js";
import { createTransport } from "./transport.js";

/** The Brevo provider: `MAIL_PROVIDER=brevo` with `BREVO_API_KEY`. */
export const brevoProvider = defineProvider<BrevoConfig>({
  ...builtinProvider("brevo"),
  // Brevo caps a transactional e-mail at 20 MB including attachments (help.brevo.com 4402811730962);
  // attachments travel base64-encoded, so about 15 MB of files.
  maxAttachmentBytes: Math.floor((20 * 1024 * 1024 * 3) / 4),
  secretKeys: ["apiKey"],
  config: CONFIG_SCHEMA,
  configFromEnv,
  create: createTransport,
});
