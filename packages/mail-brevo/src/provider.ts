import { builtinProvider, defineProvider } from "@posse/mail-core";
import { type BrevoConfig, configFromEnv } from "./config.js";
import { createTransport } from "./transport.js";

/** The Brevo provider: `MAIL_PROVIDER=brevo` with `BREVO_API_KEY`. */
export const brevoProvider = defineProvider<BrevoConfig>({
  ...builtinProvider("brevo"),
  secretKeys: ["apiKey"],
  configFromEnv,
  create: createTransport,
});
