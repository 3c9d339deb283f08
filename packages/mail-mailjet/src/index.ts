import type {} from "@posse/mail-core";
import { registerProvider } from "@posse/mail-core/provider";
import type { MailjetConfig } from "./config.js";
import { mailjetProvider } from "./provider.js";

registerProvider(mailjetProvider);

export type { MailjetConfig } from "./config.js";
export { mailjetProvider };

declare module "@posse/mail-core" {
  /** Importing this package types `createMailerFromEnv`'s `config.mailjet` as Mailjet's config. */
  interface MailProviderConfigs {
    mailjet: MailjetConfig;
  }
}
