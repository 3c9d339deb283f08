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

/** A local SMTP server that keeps the latest messages in memory. */
export interface SmtpInbox {
  readonly host: string;
  readonly port: number;
  /** The messages it still holds, in arrival order (the oldest are dropped, see {@link SmtpInboxOptions}). */
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
  /** Largest message accepted, in bytes; default 25 MB. A larger one is refused (552) while it arrives. */
  readonly maxBytes?: number;
  /** How many messages it holds; default 50. Beyond that, the oldest is dropped. */
  readonly maxMessages?: number;
  /** How many raw bytes all held messages may add up to; default 100 MB. Beyond that, the oldest go. */
  readonly maxStoredBytes?: number;
}

/** Why a message is refused: larger than the inbox accepts. */
function tooLarge(maxBytes: number): Error {
  return Object.assign(new Error(`message exceeds the inbox's limit of ${maxBytes} bytes`), {
    responseCode: 552,
  });
}

/** Starts a plain-text SMTP server (no TLS, no AUTH) that stores what it receives. */
export async function startSmtpInbox(options: SmtpInboxOptions = {}): Promise<SmtpInbox> {
  const host = options.host ?? "127.0.0.1";
  const maxBytes = options.maxBytes ?? 25 * 1024 * 1024;
  const maxMessages = options.maxMessages ?? 50;
  const maxStoredBytes = options.maxStoredBytes ?? 100 * 1024 * 1024;
  const messages: InboxMessage[] = [];
  let lastId = 0;

  /** Drops the oldest messages until both bounds hold (the newest message always stays). */
  function forgetOldest(): void {
    let stored = messages.reduce((sum, message) => sum + message.raw.length, 0);
    while (messages.length > 1 && (messages.length > maxMessages || stored > maxStoredBytes)) {
      stored -= messages.shift()!.raw.length;
    }
  }

  async function deliver(
    raw: Buffer,
    envelope: { from?: string | undefined; to?: readonly string[] } = {},
  ): Promise<InboxMessage> {
    if (raw.length > maxBytes) throw tooLarge(maxBytes);
    const parsed = await simpleParser(raw);
    lastId += 1;
    const message: InboxMessage = {
      id: String(lastId),
      receivedAt: new Date(),
      envelopeFrom: envelope.from,
      envelopeTo: [...(envelope.to ?? [])],
      parsed,
      raw,
    };
    messages.push(message);
    forgetOldest();
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
      // Count while receiving: past the limit, the rest is read and discarded (SMTP answers only after
      // the final dot), so a huge message never takes more than `maxBytes` of memory.
      const chunks: Buffer[] = [];
      let received = 0;
      stream.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBytes) chunks.length = 0;
        else chunks.push(chunk);
      });
      stream.on("error", (error) => callback(error));
      stream.on("end", () => {
        if (received > maxBytes || (stream as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(tooLarge(maxBytes));
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
