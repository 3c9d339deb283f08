/** Most characters of vendor text (after redaction and escaping) an error message keeps. */
export const MAX_ERROR_TEXT = 1000;

const NAMED_ESCAPES: Readonly<Record<number, string>> = { 9: "\\t", 10: "\\n", 13: "\\r" };

/**
 * True for a character that can forge or hide log lines: C0 controls (LF, CR, ESC, …), DEL, C1 controls,
 * the Unicode line and paragraph separators, and the bidirectional formatting controls.
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

/** How a character is written out: itself, or an escape such as `\n`, `\x1b` or `\u202e`. */
function escaped(text: string, index: number): string {
  const code = text.charCodeAt(index);
  if (!isControl(code)) return text[index]!;
  const named = NAMED_ESCAPES[code];
  if (named) return named;
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` with every control character written as a visible escape (`\n`, `\x1b`, `\u202e`), nothing cut. */
export function escapeControlCharacters(text: string): string {
  let result = "";
  for (let index = 0; index < text.length; index++) result += escaped(text, index);
  return result;
}

/** Where a text that {@link escapeAndShorten} receives came from. */
export interface ShortenOptions {
  /** Strings never split by the cut (the redaction mask). */
  readonly atoms?: readonly string[];
  /** Length of the vendor's whole text, for the marker; defaults to `text.length`. */
  readonly totalLength?: number;
  /** False when `text` is only the start of the vendor's text, so it ends with the marker. */
  readonly complete?: boolean;
}

/** The escaped start of `text` that fits in `budget` characters, and how much of `text` it took. */
function escapedPrefix(text: string, budget: number, atoms: readonly string[]) {
  let result = "";
  let index = 0;
  while (index < text.length) {
    let piece = atoms.find((atom) => atom !== "" && text.startsWith(atom, index));
    let consumed = piece?.length ?? 1;
    if (piece === undefined) {
      const code = text.charCodeAt(index);
      if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
        piece = text.slice(index, index + 2);
        consumed = 2;
      } else piece = escaped(text, index);
    }
    if (result.length + piece.length > budget) break;
    result += piece;
    index += consumed;
  }
  return { result, whole: index >= text.length };
}

/**
 * Escapes `text` and keeps at most `max` characters of the result, never splitting an escape, a surrogate
 * pair or one of the atoms. A cut text ends with a marker saying how long the vendor's text was; the
 * marker counts toward `max`, so a text made safe once comes through a second time unchanged.
 */
export function escapeAndShorten(text: string, max: number, options: ShortenOptions = {}): string {
  const atoms = options.atoms ?? [];
  const whole = escapedPrefix(text, max, atoms);
  if (whole.whole && options.complete !== false) return whole.result;
  const marker = `… [cut; the text had ${options.totalLength ?? text.length} characters]`;
  return `${escapedPrefix(text, Math.max(0, max - marker.length), atoms).result}${marker}`;
}
