import { type MailAddress, parseAddress } from "./address.js";
import { BUILTIN_PROVIDERS } from "./builtin-providers.js";
import { detectionVariables } from "./define-provider.js";
import { type EnvSource, envValue, readProviderEnv } from "./env-values.js";
import { isMailError, MailError } from "./errors.js";
import { defaultResolveFrom, loadProvider, unknownProviderError } from "./load-provider.js";
import { createMailer, type Mailer, type MailerOptions, type ProviderSetup } from "./mailer.js";
import { redactMailError, secretPatterns } from "./redact.js";
import { resolveMailProvider } from "./resolve-provider.js";
import { retryPolicy } from "./retry-policy.js";

/** Options of {@link createMailerFromEnv}. */
export interface CreateMailerFromEnvOptions extends MailerOptions {
  /** Variables to read; default `process.env`. */
  readonly env?: EnvSource;
  /** Config merged over what each provider reads from env, by provider id (endpoint overrides, …). */
  readonly config?: Readonly<Record<string, object>>;
  /** Directories to find provider packages from; default the working directory and the main script's. */
  readonly resolveFrom?: readonly string[];
}

/** Reads `MAIL_FROM_ADDRESS`; the `CONFIG` error never repeats the value. */
export function fromAddressFromEnv(env: EnvSource): MailAddress {
  const value = envValue(env, "MAIL_FROM_ADDRESS");
  if (value === undefined) {
    throw new MailError("CONFIG", 'MAIL_FROM_ADDRESS is required: the sender, e.g. "app@example.com"');
  }
  try {
    return parseAddress(value, "MAIL_FROM_ADDRESS");
  } catch {
    throw new MailError(
      "CONFIG",
      'MAIL_FROM_ADDRESS is not a valid address: use "app@example.com" or "App Name <app@example.com>"',
    );
  }
}

function nothingConfigured(): MailError {
  const options = BUILTIN_PROVIDERS.map(
    (provider) => `${provider.id} (${detectionVariables(provider).join(" + ")})`,
  );
  return new MailError(
    "CONFIG",
    `no e-mail provider is configured: set MAIL_PROVIDER, or the variables of one provider: ${options.join("; ")}`,
  );
}

/**
 * Builds the mailer the environment describes: `MAIL_PROVIDER` (or the first configured provider),
 * `MAIL_FROM_ADDRESS`, and each provider's own variables. Provider packages load on demand.
 */
export async function createMailerFromEnv(options: CreateMailerFromEnvOptions = {}): Promise<Mailer> {
  const env = options.env ?? process.env;
  const from = fromAddressFromEnv(env);
  const resolution = resolveMailProvider(env);
  if (!resolution) throw nothingConfigured();
  if (resolution.unknown.length > 0) throw unknownProviderError(resolution.unknown[0]!);
  if (resolution.missing.length > 0) {
    throw new MailError(
      "CONFIG",
      `MAIL_PROVIDER=${resolution.chain.join(",")} needs ${resolution.missing.join(", ")} to be set`,
      { provider: resolution.chain.length === 1 ? resolution.id : undefined },
    );
  }
  const resolveFrom = options.resolveFrom ?? defaultResolveFrom();
  const setups: ProviderSetup[] = [];
  for (const id of resolution.chain) {
    const definition = await loadProvider(id, resolveFrom);
    const values = readProviderEnv(definition, env);
    const secrets = definition.env.filter((v) => v.secret).map((v) => values[v.name] ?? "");
    let fromEnv: object;
    try {
      fromEnv = definition.configFromEnv(values) as object;
    } catch (error) {
      throw isMailError(error) ? redactMailError(error, secretPatterns(secrets)) : error;
    }
    const config = { ...fromEnv, ...options.config?.[id] };
    setups.push({ definition, config, secrets });
  }
  return createMailer({
    ...options,
    from,
    providers: setups,
    retry: retryPolicy(env, options.retry),
  });
}
