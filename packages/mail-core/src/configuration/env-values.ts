import { detectionVariables, type EnvVar } from "../providers/define-provider.js";

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
