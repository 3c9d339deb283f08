import type {} from "@posse/mail-core";
import { registerProvider } from "@posse/mail-core/provider";
import type { MailgunConfig } from "./config.js";
import { mailgunProvider } from "./provider.js";

registerProvider(mailgunProvider);

export type { MailgunConfig, MailgunRegion } from "./config.js";
export { mailgunProvider };

declare module "@posse/mail-core" {
  /** Importing this package types `createMailerFromEnv`'s `config.mailgun` as Mailgun's config. */
  interface MailProviderConfigs {
    mailgun: MailgunConfig;
  }
}
