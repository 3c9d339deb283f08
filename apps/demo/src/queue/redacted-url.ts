/**
 * A Redis URL as the demo prints it: the password and every query value (ioredis reads a password from
 * `?password=` too) replaced by `***`. Something that is not a URL is not echoed at all.
 */
export function redactedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(not a URL)";
  }
  if (parsed.password) parsed.password = "***";
  for (const key of [...parsed.searchParams.keys()]) parsed.searchParams.set(key, "***");
  return parsed.href;
}
