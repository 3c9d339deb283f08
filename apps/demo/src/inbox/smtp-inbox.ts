import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** One message the inbox received. */
export interface InboxMessage {
  /** Sequential id, `1`, `2`, … (used in URLs). */
  readonly id: string;
  /** When it arrived. */
  readonly receivedAt: Date;
  /** SMTP envelope sender (MAIL FROM), if any. */
  readonly envelopeFrom: string | undefined;
  /** SMTP envelope recipients (RCPT TO). */
  readonly envelopeTo: readonly string[];
  /** The parsed message (inline `cid:` images already rewritten to `data:` URLs). */
  readonly parsed: ParsedMail;
  /** The raw RFC 5322 bytes. */
  readonly raw: Buffer;
}

/** A local SMTP server that keeps every message in memory. */
export interface SmtpInbox {
  readonly host: string;
  readonly port: number;
  /** Messages in arrival order. */
  readonly messages: readonly InboxMessage[];
  /** The message with this id. */
  get(id: string): InboxMessage | undefined;
  /** Parses and stores a raw message as if it had arrived by SMTP (also used by the server). */
  deliver(
    raw: Buffer,
    envelope?: { from?: string | undefined; to?: readonly string[] },
  ): Promise<InboxMessage>;
  /** Stops accepting connections and closes open ones. */
  close(): Promise<void>;
}

/** Options of {@link startSmtpInbox}. */
export interface SmtpInboxOptions {
  /** Interface to bind; default `127.0.0.1`. */
  readonly host?: string;
  /** Port; default 0 (any free port). */
  readonly port?: number;
  /** Largest message accepted, in bytes; default 25 MB. */
  readonly maxBytes?: number;
}

/** Starts a plain-text SMTP server (no TLS, no AUTH) that stores what it receives. */
export async function startSmtpInbox(options: SmtpInboxOptions = {}): Promise<SmtpInbox> {
  const host = options.host ?? "127.0.0.1";
  const maxBytes = options.maxBytes ?? 25 * 1024 * 1024;
  const messages: InboxMessage[] = [];

  async function deliver(
    raw: Buffer,
    envelope: { from?: string | undefined; to?: readonly string[] } = {},
  ): Promise<InboxMessage> {
    const parsed = await simpleParser(raw);
    const message: InboxMessage = {
      id: String(messages.length + 1),
      receivedAt: new Date(),
      envelopeFrom: envelope.from,
      envelopeTo: [...(envelope.to ?? [])],
      parsed,
      raw,
    };
    messages.push(message);
    return message;
  }

  const server = new SMTPServer({
    name: "posse-demo-inbox.localhost",
    banner: "posse-mail demo inbox",
    secure: false,
    // A loopback inbox for the demo: no TLS certificate to trust, no accounts to log in to.
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    size: maxBytes,
    logger: false,
    closeTimeout: 1000,
    disableReverseLookup: true,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", (error) => callback(error));
      stream.on("end", () => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(Object.assign(new Error("message too large"), { responseCode: 552 }));
          return;
        }
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined;
        deliver(Buffer.concat(chunks), { from, to: session.envelope.rcptTo.map((r) => r.address) }).then(
          (message) => callback(null, `stored as message ${message.id}`),
          (error: Error) => callback(Object.assign(error, { responseCode: 451 })),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Errors on single connections (a client hanging up) must not crash the demo.
  server.on("error", () => {});
  const { port } = server.server.address() as AddressInfo;

  return {
    host,
    port,
    messages,
    get: (id) => messages.find((message) => message.id === id),
    deliver,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
