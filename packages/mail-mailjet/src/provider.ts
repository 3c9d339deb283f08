import { builtinProvider, defineProvider } from "@posse/mail-core";
import { configFromEnv, type MailjetConfig } from "./config.js";
import { createTransport } from "./transport.js";

/** The Mailjet provider: `MAIL_PROVIDER=mailjet` with `MAILJET_API_KEY` and `MAILJET_API_SECRET`. */
export const mailjetProvider = defineProvider<MailjetConfig>({
  ...builtinProvider("mailjet"),
  secretKeys: ["apiKey", "apiSecret"],
  configFromEnv,
  create: createTransport,
});
