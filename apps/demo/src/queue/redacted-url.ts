/**
 * A Redis URL as the demo prints it: protocol, host and port only, never the user, password, database or
 * query (ioredis reads a password from `?password=` too). An unescaped `#`, `?` or `/` in a password ends
 * the URL's authority early (`redis://u:1234#S3cret@host` parses as host `u`, port `1234`, and the rest as a
 * fragment): an `@` the parser did not take for the credentials' end says so, and such a URL is not printed,
 * nor is something that is not a URL.
 */
export function redactedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(not a URL)";
  }
  if (url.includes("@") && parsed.username === "" && parsed.password === "")
    return "(a URL whose password holds an unescaped #, ? or /: write them as %23, %3F, %2F)";
  return `${parsed.protocol}//${parsed.host}`;
}
