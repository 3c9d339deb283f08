import type {} from "@posse/mail-core";
import { registerProvider } from "@posse/mail-core/provider";
import type { AmazonSesConfig } from "./config.js";
import { amazonSesProvider } from "./provider.js";

registerProvider(amazonSesProvider);

export type { AmazonSesConfig } from "./config.js";
export { amazonSesProvider };

declare module "@posse/mail-core" {
  /** Importing this package types `createMailerFromEnv`'s `config.amazon_ses` as Amazon SES's config. */
  interface MailProviderConfigs {
    amazon_ses: AmazonSesConfig;
  }
}
