import { isMailError, MailError } from "../errors/mail-error.js";
import { redactMailError, secretPatterns } from "../errors/redact.js";
import { BUILTIN_PROVIDERS } from "../providers/builtin-providers.js";
import { defaultResolveFrom, loadProvider, unknownProviderError } from "../providers/load-provider.js";
import { preloadNodeBuiltins } from "../providers/node-builtins.js";
import { listProviders } from "../providers/registry.js";
import { createMailer } from "../sending/create-mailer.js";
import type { Mailer, MailerOptions, ProviderSetup } from "../sending/mailer.js";
import { retryPolicy } from "../sending/retry-policy.js";
import { readProviderEnv } from "./check-env.js";
import { detectionVariables, type EnvSource } from "./env-values.js";
import { fromAddressFromEnv } from "./from-address.js";
import { type MailProviderResolution, resolveMailProvider } from "./resolve-provider.js";

export { fromAddressFromEnv } from "./from-address.js";

/** Options of {@link createMailerFromEnv}. */
export interface CreateMailerFromEnvOptions extends MailerOptions {
  /** Variables to read; default `process.env`. */
  readonly env?: EnvSource;
  /** Config merged over what each provider reads from env, by provider id (endpoint overrides, …). */
  readonly config?: Readonly<Record<string, object>>;
  /**
   * Directories to find provider packages from (with their ancestors' `node_modules`); default the
   * directory of the app's entry module and the core's own, never the working directory.
   */
  readonly resolveFrom?: readonly string[];
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

/** The one `CONFIG` error for a resolution that is not configured, worded after what the operator set. */
function resolutionError(resolution: MailProviderResolution): MailError {
  const { chain } = resolution;
  const subject =
    resolution.reason === "explicit"
      ? `MAIL_PROVIDER=${chain.join(",")}`
      : `${resolution.id} (detected from ${resolution.detectedFrom.join(", ")}; MAIL_PROVIDER is blank)`;
  const problems = resolution.problems.map((p) =>
    chain.length > 1 && p.provider !== undefined ? `${p.provider}: ${p.problem}` : p.problem,
  );
  const providers = new Set(resolution.problems.map((p) => p.provider));
  return new MailError("CONFIG", `${subject}: ${problems.join("; ")}`, {
    provider: providers.size === 1 ? [...providers][0] : undefined,
  });
}

/** Refuses `config` entries for ids that are no provider at all (a misspelt provider id). */
function checkConfigIds(config: Readonly<Record<string, object>> | undefined): void {
  const known = new Set(listProviders().map((provider) => provider.id));
  for (const id of Object.keys(config ?? {})) {
    if (!known.has(id)) {
      throw new MailError(
        "CONFIG",
        `config names unknown provider ${JSON.stringify(id)}; known providers: ${[...known].join(", ")}`,
      );
    }
  }
}

/**
 * Builds the mailer the environment describes: `MAIL_PROVIDER` (or the first configured provider that
 * can be loaded), `MAIL_FROM_ADDRESS`, and each provider's own variables. Provider packages load on demand.
 */
export async function createMailerFromEnv(options: CreateMailerFromEnvOptions = {}): Promise<Mailer> {
  await preloadNodeBuiltins();
  const env = options.env ?? process.env;
  const from = fromAddressFromEnv(env);
  checkConfigIds(options.config);
  const resolveFrom = options.resolveFrom ?? defaultResolveFrom();
  const resolution = resolveMailProvider(env, { resolveFrom });
  if (!resolution) throw nothingConfigured();
  if (resolution.unknown.length > 0) throw unknownProviderError(resolution.unknown[0]!);
  if (!resolution.configured) throw resolutionError(resolution);
  const setups: ProviderSetup<Record<string, unknown>>[] = [];
  for (const id of resolution.chain) {
    const definition = await loadProvider(id, resolveFrom);
    const values = readProviderEnv(definition, env);
    const secrets = definition.env.filter((v) => v.secret).map((v) => values[v.name] ?? "");
    let fromEnv: object;
    try {
      fromEnv = definition.configFromEnv(values) as object;
    } catch (error) {
      if (!isMailError(error)) throw error;
      const withProvider =
        error.provider === undefined
          ? new MailError(error.code, error.message, { provider: id, field: error.field, cause: error.cause })
          : error;
      throw redactMailError(withProvider, secretPatterns(secrets));
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
