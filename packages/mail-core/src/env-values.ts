import { detectionVariables, type EnvValues, type EnvVar } from "./define-provider.js";
import { MailError } from "./errors.js";

/** Where variables come from; `process.env` by default. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** A variable's trimmed value, or undefined when it is unset or blank. */
export function envValue(env: EnvSource, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** Required variables of a provider that are blank in `env`. */
export function missingVariables(provider: { readonly env: readonly EnvVar[] }, env: EnvSource): string[] {
  return provider.env.filter((v) => v.required && envValue(env, v.name) === undefined).map((v) => v.name);
}

/**
 * Whether a blank `MAIL_PROVIDER` would pick this provider: it has detection variables and all are set.
 * A provider that reads no variables is only ever chosen by name.
 */
export function isDetected(
  provider: { readonly env: readonly EnvVar[]; readonly detectWith?: readonly string[] },
  env: EnvSource,
): boolean {
  const names = detectionVariables(provider);
  return names.length > 0 && names.every((name) => envValue(env, name) !== undefined);
}

/** Reads a provider's variables with defaults applied; a `CONFIG` error names every missing one. */
export function readProviderEnv(
  provider: { readonly id: string; readonly env: readonly EnvVar[] },
  env: EnvSource,
): EnvValues {
  const missing = missingVariables(provider, env);
  if (missing.length > 0) {
    throw new MailError("CONFIG", `${provider.id} needs ${missing.join(", ")} to be set`, {
      provider: provider.id,
    });
  }
  const values: Record<string, string | undefined> = {};
  for (const variable of provider.env)
    values[variable.name] = envValue(env, variable.name) ?? variable.default;
  return values;
}
