import { type EnvSource, envValue, isDetected, missingVariables } from "./env-values.js";
import { listProviders } from "./registry.js";

/** Which provider(s) `createMailerFromEnv` would use, and why. */
export interface MailProviderResolution {
  /** The first provider of the chain. */
  readonly id: string;
  /** Every provider in failover order (one unless `MAIL_PROVIDER` lists several). */
  readonly chain: readonly string[];
  /** `explicit`: named by `MAIL_PROVIDER`; `detected`: the first provider whose variables are set. */
  readonly reason: "explicit" | "detected";
  /** Ids in the chain that are neither first-party nor registered. */
  readonly unknown: readonly string[];
  /** Required variables of the chain's providers that are blank. */
  readonly missing: readonly string[];
  /** True when every provider in the chain is known and has its required variables. */
  readonly configured: boolean;
}

/** Parses `MAIL_PROVIDER`: comma-separated ids, trimmed and lower-cased, duplicates dropped. */
export function parseProviderList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return [
    ...new Set(
      value
        .split(",")
        .map((id) => id.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

/**
 * Tells which provider would be chosen and why, without loading any package: `undefined` when
 * `MAIL_PROVIDER` is blank and no provider's variables are set.
 */
export function resolveMailProvider(env: EnvSource = process.env): MailProviderResolution | undefined {
  const providers = listProviders();
  const explicit = parseProviderList(envValue(env, "MAIL_PROVIDER"));
  if (explicit.length === 0) {
    const detected = providers.find((provider) => isDetected(provider, env));
    if (!detected) return undefined;
    return {
      id: detected.id,
      chain: [detected.id],
      reason: "detected",
      unknown: [],
      missing: [],
      configured: true,
    };
  }
  const unknown: string[] = [];
  const missing: string[] = [];
  for (const id of explicit) {
    const provider = providers.find((candidate) => candidate.id === id);
    if (provider) missing.push(...missingVariables(provider, env));
    else unknown.push(id);
  }
  return {
    id: explicit[0]!,
    chain: explicit,
    reason: "explicit",
    unknown,
    missing,
    configured: unknown.length === 0 && missing.length === 0,
  };
}
