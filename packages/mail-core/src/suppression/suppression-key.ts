import { MailError } from "../errors/mail-error.js";
import { parseAddress } from "../message/address.js";
import { hmacSha256, toHex } from "../webhooks/crypto.js";

/** The prefix of a hashed key: what an operator passes to look an entry up by its hash. */
export const HASHED_KEY_PREFIX = "hmac-sha256:";

/**
 * The address as the list compares it: parsed as a recipient is (`Name <a@b.c>` gives `a@b.c`), then
 * lower-cased, since vendors report an address in whatever case they were sent it or saw it in.
 */
export function normalizeSuppressedAddress(address: string): string {
  return parseAddress(address, "address").address.toLowerCase();
}

/** Turns addresses into store keys: the normalized address, or its keyed hash. */
export type KeyOf = (address: string) => Promise<string>;

/**
 * Keys in clear, or HMAC-SHA-256 under `secret` (hex) when given; a key already hashed is kept either way,
 * so an operator can look an entry up, or remove it, by its hash alone.
 */
export function keyMaker(secret: string | undefined): KeyOf {
  if (secret !== undefined && (typeof secret !== "string" || secret.length < 16)) {
    throw new MailError("CONFIG", "hashAddresses.secret must be a string of at least 16 characters");
  }
  return async (address) => {
    if (address.startsWith(HASHED_KEY_PREFIX)) return address;
    const normalized = normalizeSuppressedAddress(address);
    return secret === undefined
      ? normalized
      : HASHED_KEY_PREFIX + toHex(await hmacSha256(secret, normalized));
  };
}
