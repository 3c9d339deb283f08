import { isMailError, MailError } from "../errors/mail-error.js";
import { redactMailError, secretPatterns } from "../errors/redact.js";
import { defaultResolveFrom, loadProvider } from "../providers/load-provider.js";
import { listProviders } from "../providers/registry.js";
import { createMailer } from "../sending/create-mailer.js";
import type { Mailer, MailerOptions, ProviderSetup } from "../sending/mailer.js";
import { retryPolicy } from "../sending/retry-policy.js";
import { type ConfigProblem, readProviderEnv } from "./check-env.js";
import { detectionHints } from "./detection-hints.js";
import { detectionVariables, type EnvSource } from "./env-values.js";
import { fromAddressFromEnv } from "./from-address.js";
import { misspeltVariables } from "./misspelt-variables.js";
import type { ProviderConfigOverrides } from "./provider-configs.js";
import { type MailProviderResolution, mailerProblems, resolveMailProvider } from "./resolve-provider.js";

export { fromAddressFromEnv } from "./from-address.js";

/** Options of {@link createMailerFromEnv}. */
export interface CreateMailerFromEnvOptions extends MailerOptions {
  /** Variables to read; default `process.env`. */
  readonly env?: EnvSource;
  /**
   * Config merged over what each provider reads from env, by provider id (endpoint overrides, …); typed
   * per id for the provider packages the application imports.
   */
  readonly config?: ProviderConfigOverrides;
  /**
   * Directories to find provider packages from (with their ancestors' `node_modules`); default the
   * directory of the app's entry module (none under `node -e` or in a REPL), never the working directory.
   */
  readonly resolveFrom?: readonly string[];
}

/** The `CONFIG` error when no provider is chosen or detected, with every other problem and hint. */
function nothingConfigured(env: EnvSource, configProblems: readonly ConfigProblem[]): MailError {
  const providers = listProviders();
  const options = providers
    .filter((provider) => detectionVariables(provider).length > 0)
    .map((provider) => `${provider.id} (${detectionVariables(provider).join(" + ")})`);
  const problems = [
    ...detectionHints(env, providers),
    ...[...configProblems, ...misspeltVariables(env, providers), ...mailerProblems(env)].map(
      (p) => p.problem,
    ),
    `set MAIL_PROVIDER, or the variables of one provider: ${options.join(", ")}`,
  ];
  return new MailError("CONFIG", `no e-mail provider is configured: ${problems.join("; ")}`);
}

/** The one `CONFIG` error for a resolution that is not configured, worded after what the operator set. */
function resolutionError(
  resolution: MailProviderResolution,
  configProblems: readonly ConfigProblem[],
): MailError {
  const { chain } = resolution;
  const subject =
    resolution.reason === "explicit"
      ? `MAIL_PROVIDER=${chain.join(",")}`
      : `${resolution.id} (detected from ${resolution.detectedFrom.join(", ")}; MAIL_PROVIDER is blank)`;
  const all = [...configProblems, ...resolution.problems];
  const problems = all.map((p) =>
    chain.length > 1 && p.provider !== undefined && !resolution.unknown.includes(p.provider)
      ? `${p.provider}: ${p.problem}`
      : p.problem,
  );
  if (resolution.unknown.length > 0 || configProblems.length > 0) problems.push(knownProviders());
  const providers = new Set(all.map((p) => p.provider));
  return new MailError("CONFIG", `${subject}: ${problems.join("; ")}`, {
    provider: providers.size === 1 ? [...providers][0] : undefined,
  });
}

const knownProviders = () =>
  `known providers: ${listProviders()
    .map((provider) => provider.id)
    .join(", ")}`;

/** `config` entries for ids that are no provider at all (a misspelt provider id). */
function configIdProblems(config: Readonly<Record<string, object>> | undefined): ConfigProblem[] {
  const known = new Set(listProviders().map((provider) => provider.id));
  return Object.keys(config ?? {})
    .filter((id) => !known.has(id))
    .map((id) => ({ problem: `config names unknown provider ${JSON.stringify(id)}` }));
}

/**
 * Builds the mailer the environment describes: `MAIL_PROVIDER` (or the first configured provider that
 * can be loaded), `MAIL_FROM_ADDRESS`, and each provider's own variables. Provider packages load on demand.
 */
export async function createMailerFromEnv(options: CreateMailerFromEnvOptions = {}): Promise<Mailer> {
  const env = options.env ?? process.env;
  const overrides = options.config as Readonly<Record<string, object>> | undefined;
  const configProblems = configIdProblems(overrides);
  const resolveFrom = options.resolveFrom ?? defaultResolveFrom();
  const resolution = resolveMailProvider(env, { resolveFrom });
  if (!resolution) throw nothingConfigured(env, configProblems);
  if (!resolution.configured || configProblems.length > 0) throw resolutionError(resolution, configProblems);
  const from = fromAddressFromEnv(env);
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
    const config = { ...fromEnv, ...overrides?.[id] };
    setups.push({ definition, config, secrets });
  }
  return createMailer({
    ...options,
    from,
    providers: setups,
    retry: retryPolicy(env, options.retry),
  });
}
