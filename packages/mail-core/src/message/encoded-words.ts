// RFC 2047: an encoded-word is at most 75 characters; "=?UTF-8?B?" + "?=" leaves 63, i.e. 45 bytes of base64.
const WORD_BYTES = 45;

/**
 * Whether a display name or subject must travel as RFC 2047 encoded-words to arrive intact: it holds
 * non-ASCII, or text a reader would itself decode as an encoded-word (`=?`).
 */
export function needsEncodedWords(text: string): boolean {
  return /[^\x20-\x7e]/.test(text) || text.includes("=?");
}

/**
 * Text as RFC 2047 encoded-words (`=?UTF-8?B?…?=`), split on character boundaries so each word stays
 * within 75 characters; decoding gives back exactly `text`.
 */
export function encodeWords(text: string): string {
  const words: string[] = [];
  let chunk = "";
  for (const char of text) {
    if (Buffer.byteLength(chunk + char) > WORD_BYTES) {
      words.push(chunk);
      chunk = "";
    }
    chunk += char;
  }
  words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word).toString("base64")}?=`).join(" ");
}
