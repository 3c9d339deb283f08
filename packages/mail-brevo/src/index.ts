import type {} from "@posse/mail-core";
import { registerProvider } from "@posse/mail-core/provider";
import type { BrevoConfig } from "./config.js";
import { brevoProvider } from "./provider.js";

registerProvider(brevoProvider);

export type { BrevoConfig } from "./config.js";
export { brevoProvider };

declare module "@posse/mail-core" {
  /** Importing this package types `createMailerFromEnv`'s `config.brevo` as Brevo's config. */
  interface MailProviderConfigs {
    brevo: BrevoConfig;
  }
}
