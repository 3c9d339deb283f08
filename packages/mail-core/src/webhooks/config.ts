import { type EnvSource, envValue } from "../configuration/env-values.js";
import { MailError } from "../errors/mail-error.js";
import { hasSharedSecret, type SharedSecretConfig } from "./shared-secret.js";

/** `process.env` where the runtime has one (Node, Bun, Deno with Node compatibility), else nothing. */
export function defaultWebhookEnv(): EnvSource {
  const process = (globalThis as { process?: { env?: EnvSource } }).process;
  return process?.env ?? {};
}

/**
 * The CONFIG error a webhook factory throws when no secret is configured: it names the variables (or the
 * option) to set and the explicit opt-out, never a value.
 */
export function missingWebhookSecret(provider: string, variables: readonly string[]): MailError {
  return new MailError(
    "CONFIG",
    `the ${provider} webhook has no secret to verify requests with: set ${variables.join(" or ")} (or pass it in the options), or pass insecureNoVerification: true to accept unverified requests`,
    { provider, field: variables[0] },
  );
}

const warned = new Set<string>();

/** Warns once per provider, loudly, that its webhook accepts requests without verifying them (the only log line webhooks write). */
export function warnUnverifiedWebhook(provider: string): void {
  if (warned.has(provider)) return;
  warned.add(provider);
  console.warn(
    `[posse-mail] WARNING: the ${provider} webhook VERIFIES NOTHING (insecureNoVerification: true): anyone who finds its URL can post forged events`,
  );
}

/**
 * Shared secrets from `<PREFIX>_WEBHOOK_USERNAME` + `<PREFIX>_WEBHOOK_PASSWORD` (Basic credentials) and
 * `<PREFIX>_WEBHOOK_TOKEN` (a Bearer token); blank variables count as unset.
 */
export function sharedSecretFromEnv(env: EnvSource, prefix: string): SharedSecretConfig {
  const username = envValue(env, `${prefix}_WEBHOOK_USERNAME`);
  const password = envValue(env, `${prefix}_WEBHOOK_PASSWORD`);
  const bearer = envValue(env, `${prefix}_WEBHOOK_TOKEN`);
  return {
    ...(username !== undefined && password !== undefined && { basic: { username, password } }),
    ...(bearer !== undefined && { bearer }),
  };
}

/** Options of a webhook verified by shared secrets (Postmark, Brevo, Mailjet): secrets in code, else from the environment. */
export interface SharedSecretWebhookOptions extends SharedSecretConfig {
  /** Accept requests without verifying anything when no secret is configured; warns once. Never in production. */
  readonly insecureNoVerification?: boolean;
  /** Where the variables come from; `process.env` by default. */
  readonly env?: EnvSource;
}

/**
 * The secrets a shared-secret webhook checks: those in `options` when it names any, else `<PREFIX>_WEBHOOK_USERNAME`
 * + `_PASSWORD` (and `_TOKEN` unless `bearer` is false). None → CONFIG error naming the variables, unless
 * `insecureNoVerification` opts out (then undefined, after a warning). A user name without a password (or the
 * reverse) is a CONFIG error naming the missing one.
 */
export function resolveSharedSecret(
  provider: string,
  prefix: string,
  options: SharedSecretWebhookOptions,
  { bearer = true }: { bearer?: boolean } = {},
): SharedSecretConfig | undefined {
  const { insecureNoVerification, env: source } = options;
  const inCode: SharedSecretConfig = {
    ...(options.basic !== undefined && { basic: options.basic }),
    ...(options.bearer !== undefined && { bearer: options.bearer }),
    ...(options.header !== undefined && { header: options.header }),
    ...(options.query !== undefined && { query: options.query }),
  };
  if (hasSharedSecret(inCode)) return inCode;
  const env = source ?? defaultWebhookEnv();
  const user = `${prefix}_WEBHOOK_USERNAME`;
  const password = `${prefix}_WEBHOOK_PASSWORD`;
  const token = `${prefix}_WEBHOOK_TOKEN`;
  const hasUser = envValue(env, user) !== undefined;
  if (hasUser !== (envValue(env, password) !== undefined)) {
    const missing = hasUser ? password : user;
    throw new MailError(
      "CONFIG",
      `the ${provider} webhook needs ${missing} too: set both ${user} and ${password}`,
      {
        provider,
        field: missing,
      },
    );
  }
  const { basic, bearer: envToken } = sharedSecretFromEnv(env, prefix);
  const fromEnv: SharedSecretConfig = {
    ...(basic !== undefined && { basic }),
    ...(bearer && envToken !== undefined && { bearer: envToken }),
  };
  if (hasSharedSecret(fromEnv)) return fromEnv;
  if (insecureNoVerification === true) {
    warnUnverifiedWebhook(provider);
    return undefined;
  }
  throw missingWebhookSecret(provider, bearer ? [`${user}/${password}`, token] : [`${user}/${password}`]);
}
