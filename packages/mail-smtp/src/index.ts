import { registerProvider } from "@posse/mail-core/provider";
import { smtpProvider } from "./provider.js";

registerProvider(smtpProvider);

export type { SmtpConfig } from "./config.js";
export { smtpProvider };
