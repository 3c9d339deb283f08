import type { ConnectionOptions } from "node:tls";
import type { ConfigSchema, EnvValues } from "@posse/mail-core/provider";

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

/** What each config property holds, for the core's check at creation (see `ConfigSchema`). */
export const CONFIG_SCHEMA: ConfigSchema<SmtpConfig> = {
  host: "string!",
  port: "port!",
  username: "string",
  password: "string",
  startTls: "boolean!",
  secure: "boolean",
  maxConnections: "integer",
  allowPlaintextAuth: "boolean",
  tls: "object",
  name: "string",
};

/**
 * Builds the config from `SMTP_HOST`, `SMTP_PORT`, `SMTP_USERNAME`, `SMTP_PASSWORD`,
 * `SMTP_ENABLE_STARTTLS`, `SMTP_MAX_CONNECTIONS` and `SMTP_ALLOW_PLAINTEXT_AUTH`, which the core has checked
 * against their declarations (a port, a count, booleans read as "true"/"false", user name and password
 * together).
 */
export function configFromEnv(values: EnvValues): SmtpConfig {
  const username = values.SMTP_USERNAME;
  const password = values.SMTP_PASSWORD;
  return {
    host: values.SMTP_HOST!,
    port: Number(values.SMTP_PORT ?? "587"),
    startTls: (values.SMTP_ENABLE_STARTTLS ?? "true") === "true",
    ...(values.SMTP_MAX_CONNECTIONS !== undefined && { maxConnections: Number(values.SMTP_MAX_CONNECTIONS) }),
    ...(values.SMTP_ALLOW_PLAINTEXT_AUTH === "true" && { allowPlaintextAuth: true }),
    ...(username !== undefined && password !== undefined && { username, password }),
  };
}
