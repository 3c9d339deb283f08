import { escapeControlCharacters } from "@posse/mail-core/provider";

/**
 * Text the demo did not write itself (a vendor's error or message id, a received subject, an argument),
 * made safe to print: every control character is written as an escape (`\n`, `\x1b`, `\u202e`), so the
 * text stays on its line and cannot forge log lines or drive the terminal. `keepNewlines` leaves line
 * breaks (LF only) as they are, for a stack trace's frames.
 */
export function printable(text: string, { keepNewlines = false } = {}): string {
  return keepNewlines
    ? text.split("\n").map(escapeControlCharacters).join("\n")
    : escapeControlCharacters(text);
}
