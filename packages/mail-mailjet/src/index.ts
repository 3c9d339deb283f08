import { registerProvider } from "@posse/mail-core";
import { mailjetProvider } from "./provider.js";

registerProvider(mailjetProvider);

export type { MailjetConfig } from "./config.js";
export { mailjetProvider };
