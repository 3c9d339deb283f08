import type { EnvFormat } from "./env-formats.js";

/** One environment variable a provider reads. */
export interface EnvVar {
  /** Variable name, e.g. `RESEND_API_KEY`. */
  readonly name: string;
  /** One line saying what it is. */
  readonly description: string;
  /** Needed whenever this provider is chosen. */
  readonly required?: boolean;
  /** Holds a credential: never printed, logged or put in an error. */
  readonly secret?: boolean;
  /** Value used when the variable is blank. */
  readonly default?: string;
  /**
   * What a set value must look like: `port` (1-65535), `count` (1-999), `boolean` (true/false, 1/0,
   * yes/no; read as `"true"`/`"false"`), `hostname` (a bare domain name).
   */
  readonly format?: EnvFormat;
  /** The only values allowed, matched case-insensitively and read in the spelling listed here. */
  readonly oneOf?: readonly string[];
  /** Variables that must be set whenever this one is (credentials that only work in pairs). */
  readonly with?: readonly string[];
}

/** Trimmed values of a provider's variables: blank ones are absent, defaults applied. */
export type EnvValues = Readonly<Record<string, string | undefined>>;

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

/** The variables whose presence selects a provider when `MAIL_PROVIDER` is blank. */
export function detectionVariables(definition: {
  readonly env: readonly EnvVar[];
  readonly detectWith?: readonly string[];
}): readonly string[] {
  return definition.detectWith ?? definition.env.filter((variable) => variable.required).map((v) => v.name);
}
