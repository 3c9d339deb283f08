import { bodyText, WebhookError } from "@posse/mail-core/webhooks";

/** A JSON number literal, matched where the scan stands. */
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * JSON text with every integer literal beyond 2^53 (outside strings) turned into a string literal, digit for
 * digit, so JSON.parse keeps it exact: Mailjet's MessageID is a 64-bit number, which JSON.parse would round.
 */
export function quoteBigIntegers(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '"') {
      // Copy the string literal whole, escapes included.
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      out += text.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = char === "-" || (char >= "0" && char <= "9") ? NUMBER.exec(text) : null;
    if (number) {
      const literal = number[0];
      const exactInteger = /^-?\d+$/.test(literal) && !Number.isSafeInteger(Number(literal));
      out += exactInteger ? `"${literal}"` : literal;
      i += literal.length;
      continue;
    }
    out += char;
    i++;
  }
  return out;
}

/** The body as JSON with big integers kept exact (as strings); WebhookError 400 when it is not JSON. */
export function parseExactJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(quoteBigIntegers(bodyText(body)));
  } catch (error) {
    if (error instanceof WebhookError) throw error;
    throw new WebhookError(400, "the body is not JSON");
  }
}
