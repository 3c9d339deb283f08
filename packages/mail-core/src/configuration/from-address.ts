import { MailError } from "../errors/mail-error.js";
import { type MailAddress, parseAddress } from "../message/address.js";
import { type EnvSource, envValue } from "./env-values.js";

/** Reads `MAIL_FROM_ADDRESS`; the `CONFIG` error never repeats the value. */
export function fromAddressFromEnv(env: EnvSource): MailAddress {
  const value = envValue(env, "MAIL_FROM_ADDRESS");
  if (value === undefined) {
    throw new MailError("CONFIG", 'MAIL_FROM_ADDRESS is required: the sender, e.g. "app@example.com"');
  }
  try {
    return parseAddress(value, "MAIL_FROM_ADDRESS");
  } catch {
    throw new MailError(
      "CONFIG",
      'MAIL_FROM_ADDRESS is not a valid address: use "app@example.com" or "App Name <app@example.com>"',
    );
  }
}
