import type { MailTransport, ProviderContext } from "@posse/mail-core";
import type { SMTPPoolOptions, SMTPSentMessageInfo } from "nodemailer";
import type { SmtpConfig } from "./config.js";
import { fromSmtpError, partlyRejected } from "./map-error.js";
import { toNodemailerMessage } from "./map-message.js";

/** nodemailer's options for a config: TLS always verified, no SDK-side retries. */
export function transportOptions(config: SmtpConfig, context: ProviderContext): SMTPPoolOptions {
  const secure = config.secure ?? config.port === 465;
  const pool = config.pool === true ? {} : config.pool || undefined;
  return {
    host: config.host,
    port: config.port,
    secure,
    // STARTTLS is required (never opportunistic) so credentials never cross the wire in plain text;
    // switched off, the session stays plain even when the server offers STARTTLS.
    ...(!secure && (config.startTls ? { requireTLS: true } : { ignoreTLS: true })),
    tls: { ...config.tls, rejectUnauthorized: true },
    ...(config.username !== undefined && { auth: { user: config.username, pass: config.password ?? "" } }),
    ...(config.name !== undefined && { name: config.name }),
    connectionTimeout: context.timeoutMs,
    greetingTimeout: context.timeoutMs,
    socketTimeout: context.timeoutMs,
    // Messages are built from bytes only: never read files or URLs named in a message.
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(pool && { pool: true, ...pool, maxRequeues: 0 }),
  };
}

/** Loads nodemailer and returns a transport over an SMTP connection (or pool). */
export async function createTransport(config: SmtpConfig, context: ProviderContext): Promise<MailTransport> {
  const nodemailer = await import("nodemailer");
  const transporter = nodemailer.createTransport(transportOptions(config, context));
  return {
    async send(message, { signal }) {
      const mail = toNodemailerMessage(message);
      let info: SMTPSentMessageInfo;
      try {
        info = (await transporter.sendMail({ ...mail, signal })) as SMTPSentMessageInfo;
      } catch (error) {
        throw fromSmtpError(error);
      }
      const rejected = info.rejected ?? [];
      if (rejected.length > 0) {
        throw partlyRejected(rejected.map(String), (info.accepted ?? []).map(String), info.rejectedErrors);
      }
      // Servers that replace the Message-ID header (Microsoft 365, Amazon SES) name the new one.
      return { messageId: info.serverMessageId ?? info.messageId };
    },
    async verify() {
      try {
        await transporter.verify();
      } catch (error) {
        throw fromSmtpError(error);
      }
    },
    close() {
      transporter.close();
    },
  };
}
