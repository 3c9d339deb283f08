import { type InboxWeb, startInboxWeb } from "./inbox-web.js";
import { type SmtpInbox, startSmtpInbox } from "./smtp-inbox.js";

/** The demo's embedded inbox: an SMTP server and the web page that shows what it received. */
export interface LocalInbox {
  readonly smtp: SmtpInbox;
  readonly web: InboxWeb;
  close(): Promise<void>;
}

/** Options of {@link startLocalInbox}. */
export interface LocalInboxOptions {
  /** Interface both servers bind; default `127.0.0.1`. */
  readonly host?: string;
  /** SMTP port; default 0 (any free port). */
  readonly smtpPort?: number;
  /** Web port; default 0 (any free port). */
  readonly webPort?: number;
}

/** Starts both servers; if the second fails, the first is closed again. */
export async function startLocalInbox(options: LocalInboxOptions = {}): Promise<LocalInbox> {
  const host = options.host ?? "127.0.0.1";
  const smtp = await startSmtpInbox({ host, port: options.smtpPort ?? 0 });
  let web: InboxWeb;
  try {
    web = await startInboxWeb(smtp, { host, port: options.webPort ?? 0 });
  } catch (error) {
    await smtp.close();
    throw error;
  }
  return {
    smtp,
    web,
    close: async () => {
      await Promise.all([web.close(), smtp.close()]);
    },
  };
}
