import { registerProvider } from "@posse/mail-core/provider";
import { mailjetProvider } from "./provider.js";

registerProvider(mailjetProvider);

export type { MailjetConfig } from "./config.js";
export { mailjetProvider };
