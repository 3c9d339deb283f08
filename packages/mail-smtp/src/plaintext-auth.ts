import { MailError } from "@posse/mail-core";
import { sendsPasswordInClear } from "@posse/mail-core/provider";
import type { SmtpConfig } from "./config.js";

/**
 * Refuses a config that would send the password in clear text: AUTH with STARTTLS switched off and no
 * implicit TLS, to a host other than this machine, unless `allowPlaintextAuth` says the operator means it.
 */
export function checkPlaintextAuth(config: SmtpConfig): void {
  const login = {
    host: config.host,
    authenticates: config.username !== undefined,
    encrypted: (config.secure ?? config.port === 465) || config.startTls,
    allowed: config.allowPlaintextAuth === true,
  };
  if (!sendsPasswordInClear(login)) return;
  throw new MailError(
    "CONFIG",
    "smtp: SMTP_ENABLE_STARTTLS=false (startTls: false) with SMTP_USERNAME would send the password " +
      "in clear text to a host other than this machine; enable STARTTLS, use port 465 (implicit TLS), " +
      "or set SMTP_ALLOW_PLAINTEXT_AUTH=true (allowPlaintextAuth: true) if the network to that host is trusted",
    { provider: "smtp" },
  );
}
