import type {} from "@posse/mail-core";
import { registerProvider } from "@posse/mail-core/provider";
import type { SendgridConfig } from "./config.js";
import { sendgridProvider } from "./provider.js";

registerProvider(sendgridProvider);

export type { SendgridConfig } from "./config.js";
export { sendgridProvider };

declare module "@posse/mail-core" {
  /** Importing this package types `createMailerFromEnv`'s `config.sendgrid` as SendGrid's config. */
  interface MailProviderConfigs {
    sendgrid: SendgridConfig;
  }
}
