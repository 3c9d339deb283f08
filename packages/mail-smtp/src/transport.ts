import { isMailError, MailError } from "@posse/mail-core";
import type { MailTransport, ProviderContext } from "@posse/mail-core/provider";
import type { SMTPPoolOptions, SMTPSentMessageInfo } from "nodemailer";
import type { SmtpConfig } from "./config.js";
import { connectionSlots } from "./connection-slots.js";
import { fromSmtpError, partlyRejected } from "./map-error.js";
import { toNodemailerMessage } from "./map-message.js";
import { checkPlaintextAuth } from "./plaintext-auth.js";
import { trackSockets } from "./sockets.js";

/** Connections open at once when the config does not say (`SMTP_MAX_CONNECTIONS`). */
export const DEFAULT_MAX_CONNECTIONS = 5;

/** nodemailer's options for a config: a bounded pool, TLS always verified, no SDK-side retries. */
export function transportOptions(config: SmtpConfig, context: ProviderContext): SMTPPoolOptions {
  const secure = config.secure ?? config.port === 465;
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
    // At most maxConnections connections, reused; further messages wait in the pool's queue. A message
    // whose connection dropped is not re-queued: the core's retry policy is the only one.
    pool: true,
    maxConnections: config.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    maxRequeues: 0,
  };
}

function closedError(): MailError {
  return new MailError("ABORTED", "smtp: the transport is closed: nothing was sent", {
    provider: "smtp",
    retryable: false,
  });
}

/** Loads nodemailer and returns a transport over a bounded pool of SMTP connections. */
export async function createTransport(config: SmtpConfig, context: ProviderContext): Promise<MailTransport> {
  checkPlaintextAuth(config);
  const nodemailer = await import("nodemailer");
  const sockets = trackSockets(context.timeoutMs);
  const options = transportOptions(config, context);
  const transporter = nodemailer.createTransport({ ...options, getSocket: sockets.getSocket });
  // One slot per pooled connection: a send that holds one has its connection, so its request can start.
  const slots = connectionSlots(options.maxConnections ?? DEFAULT_MAX_CONNECTIONS);
  // Sends and verifies under way: close() lets them finish before it closes the connections.
  const running = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;

  async function run<T>(request: () => Promise<T>): Promise<T> {
    if (closing) throw closedError();
    const release = sockets.hold();
    const work = request();
    running.add(work);
    try {
      return await work;
    } catch (error) {
      // The caller's own refusals (an abort, a `requestStarting` that said "do not send") pass unchanged.
      throw isMailError(error) ? error : fromSmtpError(error);
    } finally {
      running.delete(work);
      release();
    }
  }

  return {
    async send(message, { signal, requestStarting }) {
      const mail = toNodemailerMessage(message);
      const info = await run(async () => {
        const release = await slots.acquire(signal);
        try {
          await requestStarting();
          return (await transporter.sendMail({ ...mail, signal })) as SMTPSentMessageInfo;
        } finally {
          release();
        }
      });
      const rejected = info.rejected ?? [];
      if (rejected.length > 0) {
        throw partlyRejected(rejected.map(String), (info.accepted ?? []).map(String), info.rejectedErrors);
      }
      // Servers that replace the Message-ID header (Microsoft 365, Amazon SES) name the new one.
      return { messageId: info.serverMessageId ?? info.messageId };
    },
    async verify() {
      await run(() => transporter.verify());
    },
    close() {
      closing ??= (async () => {
        await Promise.allSettled(running);
        transporter.close();
        await sockets.allClosed();
      })();
      return closing;
    },
  };
}
