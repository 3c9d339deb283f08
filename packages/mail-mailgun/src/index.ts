import { registerProvider } from "@posse/mail-core/provider";
import { mailgunProvider } from "./provider.js";

registerProvider(mailgunProvider);

export type { MailgunConfig, MailgunRegion } from "./config.js";
export { mailgunProvider };
