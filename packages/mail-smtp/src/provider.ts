import { builtinProvider, defineProvider } from "@posse/mail-core/provider";
import { CONFIG_SCHEMA, configFromEnv, type SmtpConfig } from "./config.js";
import { createTransport } from "./transport.js";

/** The SMTP provider: `MAIL_PROVIDER=smtp` with `SMTP_HOST` (and `SMTP_USERNAME` + `SMTP_PASSWORD`). */
export const smtpProvider = defineProvider<SmtpConfig>({
  ...builtinProvider("smtp"),
  secretKeys: ["password"],
  config: CONFIG_SCHEMA,
  configFromEnv,
  create: createTransport,
});
