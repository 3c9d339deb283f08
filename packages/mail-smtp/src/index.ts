import type {} from "@posse/mail-core";
import { registerProvider } from "@posse/mail-core/provider";
import type { SmtpConfig } from "./config.js";
import { smtpProvider } from "./provider.js";

registerProvider(smtpProvider);

export type { SmtpConfig } from "./config.js";
export { smtpProvider };

declare module "@posse/mail-core" {
  /** Importing this package types `createMailerFromEnv`'s `config.smtp` as SMTP's config. */
  interface MailProviderConfigs {
    smtp: SmtpConfig;
  }
}
