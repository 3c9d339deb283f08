import type { ConnectionOptions } from "node:tls";
import { type EnvValues, MailError } from "@posse/mail-core";

/** Settings of the SMTP provider. */
export interface SmtpConfig {
  /** Server host name or IP address, from `SMTP_HOST`. */
  readonly host: string;
  /** Server port, from `SMTP_PORT` (default 587); 465 means implicit TLS. */
  readonly port: number;
  /** User name for AUTH, from `SMTP_USERNAME`; no AUTH when left out. */
  readonly username?: string;
  /** Password for AUTH, from `SMTP_PASSWORD` (with `username`). */
  readonly password?: string;
  /** Require STARTTLS before AUTH on a plain port, from `SMTP_ENABLE_STARTTLS` (default true). */
  readonly startTls: boolean;
  /** Implicit TLS from the first byte; default: `port === 465`. */
  readonly secure?: boolean;
  /** Connections open at once (reused; further sends wait for a free one), from `SMTP_MAX_CONNECTIONS` (default 5). */
  readonly maxConnections?: number;
  /** Allow AUTH over a plain connection to a non-loopback host, from `SMTP_ALLOW_PLAINTEXT_AUTH` (default false). */
  readonly allowPlaintextAuth?: boolean;
  /** Extra TLS options, e.g. `{ ca }` for a private CA; certificates are always verified. */
  readonly tls?: ConnectionOptions;
  /** Host name this client announces in EHLO; default the machine's host name. */
  readonly name?: string;
}

const TRUE = new Set(["true", "1", "yes"]);
const FALSE = new Set(["false", "0", "no"]);

function configError(message: string): MailError {
  return new MailError("CONFIG", message, { provider: "smtp" });
}

function parsePort(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) throw configError("SMTP_PORT must be a port number from 1 to 65535");
  return port;
}

function parseFlag(name: string, value: string): boolean {
  const text = value.toLowerCase();
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  throw configError(`${name} must be true or false (also 1/0, yes/no)`);
}

function parseMaxConnections(value: string): number {
  if (/^\d{1,3}$/.test(value) && Number(value) >= 1) return Number(value);
  throw configError("SMTP_MAX_CONNECTIONS must be a whole number from 1 to 999");
}

/**
 * Builds the config from `SMTP_HOST`, `SMTP_PORT`, `SMTP_USERNAME`, `SMTP_PASSWORD`, `SMTP_ENABLE_STARTTLS`,
 * `SMTP_MAX_CONNECTIONS` and `SMTP_ALLOW_PLAINTEXT_AUTH`.
 */
export function configFromEnv(values: EnvValues): SmtpConfig {
  const username = values.SMTP_USERNAME;
  const password = values.SMTP_PASSWORD;
  if ((username === undefined) !== (password === undefined)) {
    throw configError("SMTP_USERNAME and SMTP_PASSWORD must be set together (or both left blank)");
  }
  return {
    host: values.SMTP_HOST!,
    port: parsePort(values.SMTP_PORT ?? "587"),
    startTls: parseFlag("SMTP_ENABLE_STARTTLS", values.SMTP_ENABLE_STARTTLS ?? "true"),
    ...(values.SMTP_MAX_CONNECTIONS !== undefined && {
      maxConnections: parseMaxConnections(values.SMTP_MAX_CONNECTIONS),
    }),
    ...(values.SMTP_ALLOW_PLAINTEXT_AUTH !== undefined &&
      parseFlag("SMTP_ALLOW_PLAINTEXT_AUTH", values.SMTP_ALLOW_PLAINTEXT_AUTH) && { allowPlaintextAuth: true }),
    ...(username !== undefined && password !== undefined && { username, password }),
  };
}
