import { MailError } from "../errors/mail-error.js";
import { FORMATS } from "./env-formats.js";
import { type EnvSource, type EnvValues, type EnvVar, envValue } from "./env-values.js";

/** One thing that keeps a configuration from working; names a variable or field, never a value. */
export interface ConfigProblem {
  /** The provider it concerns, when it concerns one. */
  readonly provider?: string;
  /** The variable it concerns, when it concerns one. */
  readonly variable?: string;
  /** What is wrong, as a phrase that names the variable, e.g. `SMTP_PORT must be a port number from 1 to 65535`. */
  readonly problem: string;
}

/**
 * A set variable's value as the provider receives it (booleans as `"true"`/`"false"`, `oneOf` values in
 * their listed spelling), or the problem with it.
 */
export function checkEnvValue(
  variable: EnvVar,
  value: string,
):
  | { readonly value: string; readonly problem?: undefined }
  | { readonly value?: undefined; readonly problem: string } {
  if (variable.oneOf) {
    const match = variable.oneOf.find((allowed) => allowed.toLowerCase() === value.toLowerCase());
    if (match !== undefined) return { value: match };
    const list = variable.oneOf.map((allowed) => `"${allowed}"`);
    const choices = list.length > 1 ? `${list.slice(0, -1).join(", ")} or ${list.at(-1)}` : list[0];
    return { problem: `${variable.name} must be ${choices}` };
  }
  if (variable.format) {
    const format = FORMATS[variable.format];
    const parsed = format.parse(value);
    return parsed === undefined
      ? { problem: `${variable.name} must be ${format.expected}` }
      : { value: parsed };
  }
  return { value };
}

/**
 * Every problem with a provider's variables in `env`: required ones that are blank, values that break
 * their `format` or `oneOf`, and variables set without the partners their `with` names.
 */
export function checkProviderEnv(provider: ProviderEnv, env: EnvSource): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (variable: string, problem: string) =>
    problems.push({ provider: provider.id, variable, problem });
  for (const variable of provider.env) {
    const value = envValue(env, variable.name);
    if (value === undefined) {
      if (variable.required) add(variable.name, `${variable.name} must be set`);
      continue;
    }
    const checked = checkEnvValue(variable, value);
    if (checked.problem !== undefined) add(variable.name, checked.problem);
    const absent = (variable.with ?? []).filter((name) => envValue(env, name) === undefined);
    if (absent.length > 0)
      add(variable.name, `${variable.name} needs ${absent.join(" and ")} to be set with it`);
  }
  if (problems.length > 0 || provider.checkEnv === undefined) return problems;
  return provider
    .checkEnv(normalizedValues(provider, env))
    .map((found) => ({ provider: provider.id, ...found }));
}

/** A provider's check of combinations of its variables (valid and normalized by then); pure, loads nothing. */
export type EnvCheck = (values: EnvValues) => readonly Omit<ConfigProblem, "provider">[];

/** What the core reads of a provider to check its variables. */
interface ProviderEnv {
  readonly id: string;
  readonly env: readonly EnvVar[];
  readonly checkEnv?: EnvCheck | undefined;
}

function normalizedValues(provider: ProviderEnv, env: EnvSource): EnvValues {
  const values: Record<string, string | undefined> = {};
  for (const variable of provider.env) {
    const value = envValue(env, variable.name);
    values[variable.name] = value === undefined ? variable.default : checkEnvValue(variable, value).value;
  }
  return values;
}

/**
 * Reads a provider's variables for its `configFromEnv`: trimmed, checked against their declarations
 * (one `CONFIG` error naming every problem), normalized, defaults applied.
 */
export function readProviderEnv(provider: ProviderEnv, env: EnvSource): EnvValues {
  const problems = checkProviderEnv(provider, env);
  if (problems.length > 0) {
    throw new MailError("CONFIG", `${provider.id}: ${problems.map((p) => p.problem).join("; ")}`, {
      provider: provider.id,
    });
  }
  return normalizedValues(provider, env);
}
