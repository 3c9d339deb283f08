import { builtinProvider, defineProvider } from "@posse/mail-core/provider";
import { CONFIG_SCHEMA, configFromEnv, type ResendConfig } from "./config.js";
import { createTransport } from "./transport.js";

/** The Resend provider: `MAIL_PROVIDER=resend` with `RESEND_API_KEY`. */
export const resendProvider = defineProvider<ResendConfig>({
  ...builtinProvider("resend"),
  // Resend's limit is 40 MB per e-mail after base64 encoding, i.e. about 30 MB of attachments.
  maxAttachmentBytes: 30 * 1024 * 1024,
  secretKeys: ["apiKey"],
  config: CONFIG_SCHEMA,
  configFromEnv,
  create: createTransport,
});
