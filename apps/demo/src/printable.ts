/**
 * True for a character that can forge or hide a line of output: C0 controls (LF, CR, ESC, …), DEL, C1
 * controls, the Unicode line and paragraph separators and the bidirectional formatting controls.
 */
function isControl(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

const NAMED: Readonly<Record<number, string>> = { 9: "\\t", 10: "\\n", 13: "\\r" };

function escapeOf(code: number): string {
  return (
    NAMED[code] ??
    (code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`)
  );
}

/**
 * Text the demo did not write itself (a vendor's error or message id, a received subject, an argument),
 * made safe to print: every control character is written as an escape (`\n`, `\x1b`, `\u202e`), so the
 * text stays on its line and cannot forge log lines or drive the terminal.
 */
export function printable(text: string, { keepNewlines = false } = {}): string {
  let result = "";
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    result += isControl(code) && !(keepNewlines && code === 10) ? escapeOf(code) : text[index];
  }
  return result;
}
