// The few ASN.1 DER encodings of the self-signed certificate the demo's SES sample is verified with.

function lengthBytes(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return [0x80 | bytes.length, ...bytes];
}

/** One DER element: tag, length, content. */
export function der(tag: number, ...contents: readonly Uint8Array[]): Uint8Array {
  const length = contents.reduce((sum, part) => sum + part.length, 0);
  const header = [tag, ...lengthBytes(length)];
  const out = new Uint8Array(header.length + length);
  out.set(header);
  let offset = header.length;
  for (const part of contents) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** SEQUENCE of the given elements. */
export const sequence = (...elements: readonly Uint8Array[]) => der(0x30, ...elements);

/** A non-negative INTEGER from big-endian bytes (leading zeros dropped, a zero added when the top bit is set). */
export function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return der(0x02, (trimmed[0] ?? 0) >= 0x80 ? Uint8Array.of(0, ...trimmed) : trimmed);
}

/** An OBJECT IDENTIFIER from its dotted form. */
export function objectIdentifier(dotted: string): Uint8Array {
  const [first = 0, second = 0, ...rest] = dotted.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const groups: number[] = [];
    for (let value = arc; ; value = Math.floor(value / 128)) {
      groups.unshift((value % 128) | (groups.length > 0 ? 0x80 : 0));
      if (value < 128) break;
    }
    bytes.push(...groups);
  }
  return der(0x06, Uint8Array.from(bytes));
}

/** A BIT STRING holding whole bytes. */
export const bitString = (bytes: Uint8Array) => der(0x03, Uint8Array.of(0), bytes);

/** A UTF8String. */
export const utf8String = (text: string) => der(0x0c, new TextEncoder().encode(text));

/** UTCTime (`YYMMDDHHMMSSZ`; years 1950–2049, as X.509 prescribes for them). */
export function utcTime(date: Date): Uint8Array {
  const text = date.toISOString().replace(/[-:T]/g, "").slice(2, 14);
  return der(0x17, new TextEncoder().encode(`${text}Z`));
}

/** NULL. */
export const derNull = () => Uint8Array.of(0x05, 0x00);
