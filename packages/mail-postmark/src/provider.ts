import { builtinProvider, defineProvider } from "@posse/mail-core/provider";
import { CONFIG_SCHEMA, configFromEnv, type PostmarkConfig } from "./config.js";
import { createTransport } from "./transport.js";

/** The Postmark provider: `MAIL_PROVIDER=postmark` with `POSTMARK_API_TOKEN`. */
export const postmarkProvider = defineProvider<PostmarkConfig>({
  ...builtinProvider("postmark"),
  // Postmark's limit is 10 MB per message, attachments included, after base64 encoding.
  maxAttachmentBytes: Math.floor((10 * 1024 * 1024 * 3) / 4),
  secretKeys: ["serverToken"],
  config: CONFIG_SCHEMA,
  configFromEnv,
  create: createTransport,
});
