import type {} from "@posse/mail-core";
import { registerProvider } from "@posse/mail-core/provider";
import type { ResendConfig } from "./config.js";
import { resendProvider } from "./provider.js";

registerProvider(resendProvider);

export type { ResendConfig } from "./config.js";
export { resendProvider };

declare module "@posse/mail-core" {
  /** Importing this package types `createMailerFromEnv`'s `config.resend` as Resend's config. */
  interface MailProviderConfigs {
    resend: ResendConfig;
  }
}
