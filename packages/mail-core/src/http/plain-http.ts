import { MailError } from "../errors/mail-error.js";
import { ipFamily, isLoopbackIp } from "./ip-address.js";

/** A host as written in a URL or a config, trimmed, lower-case, without IPv6 brackets. */
function bareHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
}

/** Whether a host is this machine by address or as `localhost`: 127.0.0.0/8 or ::1, in any spelling (IPv4-mapped too). */
export function isLoopbackAddress(host: string): boolean {
  const name = bareHost(host);
  if (name === "localhost") return true;
  const family = ipFamily(name);
  return family !== 0 && isLoopbackIp(name, family);
}

/**
 * Whether a host name is this machine, by the one rule plain http and SMTP share ({@link isLoopbackAddress}):
 * a name under `localhost` (`api.localhost`) is not, since the system resolver may ask the network's DNS.
 */
export function isLoopbackHost(hostname: string): boolean {
  return isLoopbackAddress(hostname);
}

/** What decides whether a login crosses the network in clear text. */
export interface PlainTextLogin {
  /** The server's host name or address. */
  readonly host: string;
  /** Whether the client sends credentials. */
  readonly authenticates: boolean;
  /** Whether TLS protects the connection before the credentials go out (implicit TLS or required STARTTLS). */
  readonly encrypted: boolean;
  /** Whether the operator opted in to credentials in clear text (SMTP's `SMTP_ALLOW_PLAINTEXT_AUTH`). */
  readonly allowed: boolean;
}

/**
 * Whether a login would send a password in clear text to another machine without the operator's opt-in.
 * Only an address or `localhost` counts as this machine here, not a name under `localhost`, which DNS may answer.
 */
export function sendsPasswordInClear(login: PlainTextLogin): boolean {
  return login.authenticates && !login.encrypted && !login.allowed && !isLoopbackAddress(login.host);
}

/**
 * Throws a `CONFIG` error when `url` would send credentials and messages over plain http to another machine
 * (plain http to a loopback test stub is fine). `source` names where the URL came from, a config field or an
 * environment variable, for the message; the URL itself is never put in the error.
 */
export function refusePlainHttp(provider: string, url: string, source: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MailError("CONFIG", `${provider} ${source} is not an absolute http(s) URL`, { provider });
  }
  if (parsed.protocol === "https:" || (parsed.protocol === "http:" && isLoopbackHost(parsed.hostname)))
    return;
  throw new MailError(
    "CONFIG",
    `${provider} refuses ${source}: it must use https (plain http only to localhost, for tests), or credentials and messages would cross the network in clear`,
    { provider },
  );
}
