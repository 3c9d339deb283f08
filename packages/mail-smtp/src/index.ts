import { registerProvider } from "@posse/mail-core";
import { smtpProvider } from "./provider.js";

registerProvider(smtpProvider);

export type { SmtpConfig } from "./config.js";
export { smtpProvider };
