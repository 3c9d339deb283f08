import type {} from "@posse/mail-core";
import { registerProvider } from "@posse/mail-core/provider";
import type { PostmarkConfig } from "./config.js";
import { postmarkProvider } from "./provider.js";

registerProvider(postmarkProvider);

export type { PostmarkConfig } from "./config.js";
export { postmarkProvider };

declare module "@posse/mail-core" {
  /** Importing this package types `createMailerFromEnv`'s `config.postmark` as Postmark's config. */
  interface MailProviderConfigs {
    postmark: PostmarkConfig;
  }
}
