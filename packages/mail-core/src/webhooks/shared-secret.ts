import { fromBase64, timingSafeEqual } from "./crypto.js";
import type { WebhookHead } from "./definition.js";
import { WebhookError } from "./webhook-error.js";

/** User name and password a vendor sends as `Authorization: Basic` (from credentials in the URL registered at the vendor). */
export interface BasicCredentials {
  /** The user name. */
  readonly username: string;
  /** The password. */
  readonly password: string;
}

/**
 * The shared secrets a vendor without signatures (Postmark, Brevo, Mailjet) can send. A request is authentic
 * when it carries any one that is configured; each is compared in constant time.
 */
export interface SharedSecretConfig {
  /** Basic credentials, e.g. from `https://user:password@example.com/webhooks/postmark` registered at the vendor. */
  readonly basic?: BasicCredentials;
  /** A token sent as `Authorization: Bearer <token>` or as the bare `Authorization` value (Brevo's bearer auth, a custom header at Postmark). */
  readonly bearer?: string;
  /** A custom header the vendor sends with a secret value. */
  readonly header?: { readonly name: string; readonly value: string };
  /** A secret query parameter of the registered URL. */
  readonly query?: { readonly name: string; readonly value: string };
}

/** Whether `config` names at least one secret (non-empty). */
export function hasSharedSecret(config: SharedSecretConfig): boolean {
  return Boolean(
    (config.basic && config.basic.username !== "" && config.basic.password !== "") ||
      config.bearer ||
      config.header?.value ||
      config.query?.value,
  );
}

const textDecoder = new TextDecoder("utf-8", { fatal: true });

/** The credentials of an `Authorization: Basic …` header, or undefined when it is absent or malformed. */
export function basicCredentialsOf(headers: Headers): BasicCredentials | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(headers.get("authorization") ?? "");
  const bytes = match ? fromBase64(match[1]!) : undefined;
  if (!bytes) return undefined;
  let decoded: string;
  try {
    decoded = textDecoder.decode(bytes);
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Whether the request carries `expected` as Basic credentials (both parts compared in constant time). */
export function hasBasicCredentials(headers: Headers, expected: BasicCredentials): boolean {
  const given = basicCredentialsOf(headers);
  if (!given) return false;
  // Both comparisons always run, so the time says nothing about which part was wrong.
  const user = timingSafeEqual(given.username, expected.username);
  const password = timingSafeEqual(given.password, expected.password);
  return user && password;
}

// The token of `Authorization: Bearer <token>`, or the whole value when it names no scheme (how a vendor's
// "token header" arrives is not always documented: Brevo's is not).
function bearerOf(headers: Headers): string | undefined {
  const value = headers.get("authorization")?.trim();
  if (value === undefined) return undefined;
  return /^Bearer\s+(\S+)$/i.exec(value)?.[1] ?? value;
}

/**
 * Refuses a request that carries none of the configured secrets: WebhookError 401, with a Basic challenge when
 * Basic credentials are configured (some senders only send them after one). The text never holds a secret.
 */
export function verifySharedSecret(request: WebhookHead, config: SharedSecretConfig): void {
  const checks: boolean[] = [];
  if (config.basic) checks.push(hasBasicCredentials(request.headers, config.basic));
  if (config.bearer) checks.push(timingSafeEqual(bearerOf(request.headers) ?? "", config.bearer));
  if (config.header?.value) {
    checks.push(timingSafeEqual(request.headers.get(config.header.name) ?? "", config.header.value));
  }
  if (config.query?.value) {
    checks.push(timingSafeEqual(request.url.searchParams.get(config.query.name) ?? "", config.query.value));
  }
  if (checks.some(Boolean)) return;
  throw new WebhookError(
    401,
    "the webhook request carries no valid credentials",
    config.basic ? { "www-authenticate": 'Basic realm="webhook", charset="UTF-8"' } : {},
  );
}
