// A loopback SMTP server for the integration tests: records each envelope and the raw message.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** One message as the server received it. */
export interface Received {
  /** MAIL FROM. */
  readonly mailFrom: string;
  /** Every RCPT TO, in order. */
  readonly rcptTo: readonly string[];
  /** The raw message. */
  readonly raw: Buffer;
  /** The message parsed by mailparser. */
  readonly parsed: ParsedMail;
}

/** A started sink: its port, what it received, and how to stop it. */
export interface SmtpSink {
  readonly port: number;
  readonly received: Received[];
  close(): Promise<void>;
}

/** Starts a plain (no TLS, no AUTH) SMTP server on 127.0.0.1, port 0. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", async () => {
        const raw = Buffer.concat(chunks);
        received.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
          parsed: await simpleParser(raw),
        });
        callback();
      });
    },
  });
  server.listen(0, "127.0.0.1");
  await once(server.server, "listening");
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
