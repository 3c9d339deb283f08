import { MailError } from "./errors.js";

/** Whether a host name is this machine: `localhost` (and `*.localhost`), `127.0.0.0/8` or `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return (
    host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host)
  );
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
