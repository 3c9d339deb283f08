/** A POST of `body` to `url` as a vendor sends it: `content-type: application/json` unless `headers` names another. */
export function webhookPost(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Request {
  return new Request(url, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** The `Authorization` value of Basic credentials (as a vendor sends those of the URL registered with it). */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(`${username}:${password}`)))}`;
}
