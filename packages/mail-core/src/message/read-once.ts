import { MailError } from "../errors/mail-error.js";

// Validation reads each value of the caller's message exactly once, so what is checked is what is sent:
// a getter cannot pass validation and then return something else, and a getter or Proxy trap that
// throws becomes an INVALID_MESSAGE naming the field instead of a raw error.

function unreadable(field: string, cause: unknown): MailError {
  return new MailError("INVALID_MESSAGE", `${field} could not be read: its getter or proxy threw`, {
    field,
    cause,
  });
}

/** `source[key]`, read once; a throwing getter or trap becomes `INVALID_MESSAGE` naming `field`. */
export function readField(source: object, key: string, field: string): unknown {
  try {
    return (source as Record<string, unknown>)[key];
  } catch (error) {
    throw unreadable(field, error);
  }
}

/** Whether `value` is an array (a revoked Proxy throws here, reported as unreadable). */
export function isList(value: unknown, field: string): value is readonly unknown[] {
  try {
    return Array.isArray(value);
  } catch (error) {
    throw unreadable(field, error);
  }
}

/** Maps each element of an array, reading its length and each element once. */
export function mapList<T>(
  list: readonly unknown[],
  field: string,
  map: (item: unknown, index: number) => T,
): T[] {
  const length = readField(list, "length", field) as number;
  const result: T[] = [];
  for (let index = 0; index < length; index++) {
    result.push(map(readField(list, String(index), `${field}[${index}]`), index));
  }
  return result;
}

/** An object's own enumerable string-keyed entries, each value read once. */
export function readEntries(value: object, field: string): [string, unknown][] {
  try {
    return Object.entries(value);
  } catch (error) {
    throw unreadable(field, error);
  }
}

// The engine's own getter of a typed array's kind: it reads an internal slot, so neither a Proxy nor a
// spoofed Symbol.toStringTag can pass for bytes.
const typedArrayKind = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype),
  Symbol.toStringTag,
)!.get!;

/** True for a real `Uint8Array` (a `Buffer` too), never for a Proxy or a look-alike. */
export function isBytes(value: unknown): value is Uint8Array {
  return typedArrayKind.call(value) === "Uint8Array";
}
