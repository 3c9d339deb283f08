import { BlockList, isIP } from "node:net";
import { MailError } from "@posse/mail-core";
import type { SmtpConfig } from "./config.js";

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Hosts whose traffic never leaves this machine: `localhost`, 127.0.0.0/8 and ::1 (also IPv4-mapped). */
export function isLoopbackHost(host: string): boolean {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.$/, "");
  if (name === "localhost") return true;
  const family = isIP(name);
  return family !== 0 && LOOPBACK.check(name, family === 4 ? "ipv4" : "ipv6");
}

/**
 * Refuses a config that would send the password in clear text: AUTH with STARTTLS switched off and no
 * implicit TLS, to a host other than this machine, unless `allowPlaintextAuth` says the operator means it.
 */
export function checkPlaintextAuth(config: SmtpConfig): void {
  const secure = config.secure ?? config.port === 465;
  if (config.username === undefined || secure || config.startTls) return;
  if (config.allowPlaintextAuth === true || isLoopbackHost(config.host)) return;
  throw new MailError(
    "CONFIG",
    "smtp: SMTP_ENABLE_STARTTLS=false (startTls: false) with SMTP_USERNAME would send the password " +
      "in clear text to a host other than this machine; enable STARTTLS, use port 465 (implicit TLS), " +
      "or set SMTP_ALLOW_PLAINTEXT_AUTH=true (allowPlaintextAuth: true) if the network to that host is trusted",
    { provider: "smtp" },
  );
}
