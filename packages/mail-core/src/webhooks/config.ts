import { type EnvSource, envValue } from "../configuration/env-values.js";
import { MailError } from "../errors/mail-error.js";
import { hasSharedSecret, type SharedSecretConfig } from "./shared-secret.js";
import { checkSecretsInCode } from "./shared-secret-options.js";

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
 * `insecureNoVerification` opts out (then undefined, after a warning). A secret given in code but empty or half
 * given (`basic: { username: "", password: "" }`), a user name without a password (or the reverse) in the
 * environment, or a user name holding ":", is a CONFIG error naming the option or variable.
 */
export function resolveSharedSecret(
  provider: string,
  prefix: string,
  options: SharedSecretWebhookOptions,
  { bearer = true }: { bearer?: boolean } = {},
): SharedSecretConfig | undefined {
  const inCode: SharedSecretConfig = {
    ...(options.basic !== undefined && { basic: options.basic }),
    ...(options.bearer !== undefined && { bearer: options.bearer }),
    ...(options.header !== undefined && { header: options.header }),
    ...(options.query !== undefined && { query: options.query }),
  };
  checkSecretsInCode(provider, inCode);
  if (hasSharedSecret(inCode)) return inCode;
  const fromEnv = secretsFromEnv(provider, prefix, options.env ?? defaultWebhookEnv(), bearer);
  if (hasSharedSecret(fromEnv)) return fromEnv;
  if (options.insecureNoVerification === true) {
    warnUnverifiedWebhook(provider);
    return undefined;
  }
  const pair = `${prefix}_WEBHOOK_USERNAME/${prefix}_WEBHOOK_PASSWORD`;
  throw missingWebhookSecret(provider, bearer ? [pair, `${prefix}_WEBHOOK_TOKEN`] : [pair]);
}

/** The secrets of `<PREFIX>_WEBHOOK_*`; CONFIG naming the variable at fault for half a Basic pair or a user name with ":". */
function secretsFromEnv(
  provider: string,
  prefix: string,
  env: EnvSource,
  bearer: boolean,
): SharedSecretConfig {
  const user = `${prefix}_WEBHOOK_USERNAME`;
  const password = `${prefix}_WEBHOOK_PASSWORD`;
  const fault = (field: string, text: string) => new MailError("CONFIG", text, { provider, field });
  const hasUser = envValue(env, user) !== undefined;
  if (hasUser !== (envValue(env, password) !== undefined)) {
    const missing = hasUser ? password : user;
    throw fault(missing, `the ${provider} webhook needs ${missing} too: set both ${user} and ${password}`);
  }
  const { basic, bearer: token } = sharedSecretFromEnv(env, prefix);
  if (basic?.username.includes(":")) {
    throw fault(user, `the ${provider} webhook's ${user} holds ':', which a Basic user name cannot carry`);
  }
  return { ...(basic !== undefined && { basic }), ...(bearer && token !== undefined && { bearer: token }) };
}
