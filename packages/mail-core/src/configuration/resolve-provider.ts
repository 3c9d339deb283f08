import { isMailError } from "../errors/mail-error.js";
import { defaultResolveFrom, packageProblem } from "../providers/load-provider.js";
import { listProviders } from "../providers/registry.js";
import { retryPolicy } from "../sending/retry-policy.js";
import { type ConfigProblem, checkProviderEnv } from "./check-env.js";
import { detectionVariables, type EnvSource, envValue, isDetected, missingVariables } from "./env-values.js";
import { fromAddressFromEnv } from "./from-address.js";
import { misspeltVariables } from "./misspelt-variables.js";

/** A provider whose variables are set but that a blank `MAIL_PROVIDER` did not choose, and why. */
export interface PassedOverProvider {
  /** Its id. */
  readonly id: string;
  /** `not-installed`: its package is neither registered nor installed where the app can load it. */
  readonly reason: "not-installed";
  /** What is wrong, e.g. which package to install. */
  readonly problem: string;
}

/** Which provider(s) `createMailerFromEnv` would use, and whether it would succeed. */
export interface MailProviderResolution {
  /** The first provider of the chain. */
  readonly id: string;
  /** Every provider in failover order (one unless `MAIL_PROVIDER` lists several). */
  readonly chain: readonly string[];
  /** `explicit`: named by `MAIL_PROVIDER`; `detected`: the first usable provider whose variables are set. */
  readonly reason: "explicit" | "detected";
  /** For `detected`: the variables it was detected from. */
  readonly detectedFrom: readonly string[];
  /** Ids in the chain that are neither first-party nor registered. */
  readonly unknown: readonly string[];
  /** Required variables of the chain's providers that are blank. */
  readonly missing: readonly string[];
  /** Providers with their variables set that detection skipped (listed before the chosen one). */
  readonly passedOver: readonly PassedOverProvider[];
  /** Everything that would make `createMailerFromEnv` fail on configuration; never a value. */
  readonly problems: readonly ConfigProblem[];
  /** True when `createMailerFromEnv` will not fail on configuration: `problems` is empty. */
  readonly configured: boolean;
}

/** Options of {@link resolveMailProvider}. */
export interface ResolveMailProviderOptions {
  /** Directories provider packages are found from, as for `createMailerFromEnv`; default the app's. */
  readonly resolveFrom?: readonly string[];
}

/**
 * Parses `MAIL_PROVIDER`: comma-separated ids, trimmed, lower-cased, `-` read as `_` (so the package's
 * spelling `amazon-ses` works), duplicates dropped.
 */
export function parseProviderList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return [
    ...new Set(
      value
        .split(",")
        .map((id) => id.trim().toLowerCase().replace(/-/g, "_"))
        .filter(Boolean),
    ),
  ];
}

/** Problems with the variables every mailer reads: `MAIL_FROM_ADDRESS` and `MAIL_RETRY_ATTEMPTS`. */
export function mailerProblems(env: EnvSource): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [variable, check] of [
    ["MAIL_FROM_ADDRESS", () => fromAddressFromEnv(env)],
    ["MAIL_RETRY_ATTEMPTS", () => retryPolicy(env)],
  ] as const) {
    try {
      check();
    } catch (error) {
      if (!isMailError(error)) throw error;
      problems.push({ variable, problem: error.message });
    }
  }
  return problems;
}

function providerProblems(id: string, env: EnvSource, resolveFrom: readonly string[]): ConfigProblem[] {
  const provider = listProviders().find((candidate) => candidate.id === id);
  if (!provider) return [{ provider: id, problem: `"${id}" is not a known provider` }];
  const installProblem = packageProblem(id, resolveFrom);
  return [
    ...checkProviderEnv(provider, env),
    ...(installProblem === undefined ? [] : [{ provider: id, problem: installProblem }]),
  ];
}

/**
 * Tells which provider would be chosen, why, and whether `createMailerFromEnv` would succeed, without
 * loading any package or SDK: checks `MAIL_FROM_ADDRESS`, `MAIL_RETRY_ATTEMPTS`, each provider's
 * variables against their declarations, whether its package is registered or installed, and that no set
 * variable is a misspelling of one posse-mail reads (`SMPT_HOST`).
 * `undefined` when `MAIL_PROVIDER` is blank and no provider's variables are set.
 */
export function resolveMailProvider(
  env: EnvSource = process.env,
  options: ResolveMailProviderOptions = {},
): MailProviderResolution | undefined {
  const resolveFrom = options.resolveFrom ?? defaultResolveFrom();
  const providers = listProviders();
  const explicit = parseProviderList(envValue(env, "MAIL_PROVIDER"));
  let chain = explicit;
  let detectedFrom: readonly string[] = [];
  const passedOver: PassedOverProvider[] = [];
  if (explicit.length === 0) {
    const detected = providers.filter((provider) => isDetected(provider, env));
    if (detected.length === 0) return undefined;
    // The first detected provider that can be loaded; when none can, the first, reported as not installed.
    let chosen = detected[0]!;
    for (const provider of detected) {
      const problem = packageProblem(provider.id, resolveFrom);
      if (problem === undefined) {
        chosen = provider;
        break;
      }
      passedOver.push({ id: provider.id, reason: "not-installed", problem });
    }
    if (passedOver.length === detected.length) passedOver.length = 0;
    chain = [chosen.id];
    detectedFrom = detectionVariables(chosen);
  }
  const known = new Set(providers.map((provider) => provider.id));
  const problems = [
    ...misspeltVariables(env, providers),
    ...mailerProblems(env),
    ...chain.flatMap((id) => providerProblems(id, env, resolveFrom)),
  ];
  const missing = chain.flatMap((id) => {
    const provider = providers.find((candidate) => candidate.id === id);
    return provider ? missingVariables(provider, env) : [];
  });
  return {
    id: chain[0]!,
    chain,
    reason: explicit.length > 0 ? "explicit" : "detected",
    detectedFrom,
    unknown: chain.filter((id) => !known.has(id)),
    missing,
    passedOver,
    problems,
    configured: problems.length === 0,
  };
}
