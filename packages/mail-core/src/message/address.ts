import { MailError } from "../errors/mail-error.js";
import { isList, mapList, readField } from "./read-once.js";

/** An e-mail address as given by a caller: `"a@b.c"`, `"Name <a@b.c>"` or an object. */
export type AddressInput = string | { readonly address: string; readonly name?: string | undefined };

/** A validated address with its optional display name (never quoted or encoded). */
export interface MailAddress {
  /** The bare address, `local@domain`. */
  readonly address: string;
  /** The display name, as a person would read it. */
  readonly name?: string;
}

// RFC 5322 atext: the characters a local part or display name may use without quoting.
const ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~-";
const DOT_ATOM = new RegExp(`^[${ATEXT}]+(\\.[${ATEXT}]+)*$`);
const QUOTED_LOCAL = /^"([\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;
const PHRASE = new RegExp(`^[${ATEXT}]+( [${ATEXT}]+)*$`);
// A DNS label: letters (any script, for IDN), digits and inner hyphens. Built on first use (a Unicode
// property class costs each import a fraction of a millisecond), and only for a domain that is not ASCII.
let unicodeLabel: RegExp | undefined;
// Two or more ASCII labels: a subset of what the Unicode label check accepts, in one pass.
const ASCII_DOMAIN = /^(?:(?!-)[A-Za-z0-9-]{1,63}(?<!-)\.)+(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const FORBIDDEN = /[\r\n\0]/;

/** True when `value` is a deliverable `local@domain` address (dot-atom or quoted local part, IDN domain). */
export function isValidAddress(value: string): boolean {
  if (value.length > 254 || FORBIDDEN.test(value)) return false;
  const at = value.lastIndexOf("@");
  if (at <= 0) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64 || !(DOT_ATOM.test(local) || QUOTED_LOCAL.test(local))) return false;
  return isValidDomain(domain) && !/^\d+$/.test(domain.slice(domain.lastIndexOf(".") + 1));
}

/** Whether `domain` is two or more DNS labels (any script). */
function isValidDomain(domain: string): boolean {
  if (ASCII_DOMAIN.test(domain)) return true;
  unicodeLabel ??= /^(?!-)[\p{L}\p{M}\p{N}-]{1,63}(?<!-)$/u;
  const labels = domain.split(".");
  return labels.length >= 2 && labels.every((label) => unicodeLabel!.test(label));
}

const ADDRESS_FORMS = 'must be "a@b.c", "Name <a@b.c>" or { address, name }';

function invalid(field: string, reason: string): MailError {
  return new MailError("INVALID_MESSAGE", `${field} ${reason}`, { field });
}

function unquote(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replace(/\\(.)/g, "$1");
  }
  return trimmed;
}

/** Where the angle address starts: the last `<` outside a quoted string (a quoted local part may hold one). */
function angleStart(text: string): number {
  let quoted = false;
  let last = -1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted && char === "\\") i++;
    else if (char === '"') quoted = !quoted;
    else if (char === "<" && !quoted) last = i;
  }
  return last >= 0 ? last : text.lastIndexOf("<");
}

/** Parses and validates one address (each property read once); `field` names it in the `INVALID_MESSAGE` error. */
export function parseAddress(input: AddressInput, field: string): MailAddress {
  let address: string;
  let name: string | undefined;
  if (typeof input === "string") {
    if (FORBIDDEN.test(input)) throw invalid(field, "must not contain CR, LF or NUL");
    const text = input.trim();
    const open = angleStart(text);
    if (text.endsWith(">") && open >= 0) {
      address = text.slice(open + 1, -1).trim();
      name = unquote(text.slice(0, open));
    } else {
      address = text;
    }
  } else if (input !== null && typeof input === "object") {
    const given = readField(input, "address", `${field}.address`);
    const givenName = readField(input, "name", `${field}.name`);
    if (typeof given !== "string") throw invalid(field, ADDRESS_FORMS);
    if (givenName !== undefined && typeof givenName !== "string")
      throw invalid(field, "name must be a string");
    if (FORBIDDEN.test(given) || (givenName && FORBIDDEN.test(givenName))) {
      throw invalid(field, "must not contain CR, LF or NUL");
    }
    address = given.trim();
    name = givenName?.trim();
  } else {
    throw invalid(field, ADDRESS_FORMS);
  }
  if (!isValidAddress(address)) throw invalid(field, `is not a valid e-mail address`);
  return name ? { address, name } : { address };
}

/** Parses one address or a list of them; an empty list is allowed here and checked by the caller. */
export function parseAddressList(
  input: AddressInput | readonly AddressInput[] | undefined,
  field: string,
): MailAddress[] {
  if (input === undefined) return [];
  if (!isList(input, field)) return [parseAddress(input as AddressInput, field)];
  return mapList(input, field, (item, index) => parseAddress(item as AddressInput, `${field}[${index}]`));
}

/**
 * Formats an address as one RFC 5322 string, `Name <a@b.c>`, quoting the name when it holds anything
 * but plain words (commas, quotes, angle quotes, non-ASCII, an encoded-word look-alike), so the vendor's
 * parser gives it back intact.
 */
export function formatAddress(mailbox: MailAddress): string {
  if (!mailbox.name) return mailbox.address;
  // `=?…?=` is a legal atom, but mail clients decode an unquoted one as an RFC 2047 encoded-word: quote it.
  const plain = PHRASE.test(mailbox.name) && !mailbox.name.includes("=?");
  const name = plain ? mailbox.name : `"${mailbox.name.replace(/(["\\])/g, "\\$1")}"`;
  return `${name} <${mailbox.address}>`;
}
