import type {} from "@posse/mail-core";
import { registerProvider } from "@posse/mail-core/provider";
import type { SparkpostConfig } from "./config.js";
import { sparkpostProvider } from "./provider.js";

// Importing the package makes MAIL_PROVIDER=sparkpost work, and blank MAIL_PROVIDER detects it from
// SPARKPOST_API_KEY (after every first-party provider).
registerProvider(sparkpostProvider);

export type { SparkpostConfig } from "./config.js";
export { sparkpostProvider };

// A third-party provider joins the typed config the same way: it augments the interface in the core's main
// entry, where createMailerFromEnv is (imported above for its types only, so the declaration build finds it).
declare module "@posse/mail-core" {
  /** Importing this package types `createMailerFromEnv`'s `config.sparkpost` as SparkPost's config. */
  interface MailProviderConfigs {
    sparkpost: SparkpostConfig;
  }
}
