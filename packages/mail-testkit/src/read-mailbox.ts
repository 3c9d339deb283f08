import type { MailAddress } from "@posse/mail-core";

function decodeWords(phrase: string): string {
  return phrase
    .replace(/(\?=)\s+(?==\?)/g, "$1")
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset: string, encoding: string, text: string) => {
      const bytes =
        encoding.toUpperCase() === "B"
          ? Buffer.from(text, "base64")
          : Buffer.from(
              text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_h, code: string) => `%${code}`),
              "latin1",
            );
      return new TextDecoder(charset).decode(bytes);
    });
}

/**
 * Reads one RFC 5322 mailbox (`a@b.c`, `Name <a@b.c>`, `"Quoted, Name" <a@b.c>`) back as a mail client
 * does: a quoted-string name loses its quotes and backslash escapes and is never decoded further; an
 * unquoted name has its RFC 2047 encoded-words decoded.
 */
export function readMailbox(value: string): MailAddress {
  const match = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(value);
  if (!match) return { address: value.trim() };
  const phrase = match[1]!;
  if (phrase === "") return { address: match[2]! };
  const name = phrase.startsWith('"') ? phrase.slice(1, -1).replace(/\\(.)/g, "$1") : decodeWords(phrase);
  return { name, address: match[2]! };
}

/** Splits an RFC 5322 address list at the commas outside quoted strings and reads each mailbox. */
export function readMailboxList(header: string): MailAddress[] {
  const mailboxes: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const char = header[i]!;
    if (quoted && char === "\\") {
      current += char + (header[++i] ?? "");
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === "," && !quoted) {
      mailboxes.push(current);
      current = "";
      continue;
    }
    current += char;
  }
  mailboxes.push(current);
  return mailboxes.map(readMailbox);
}
