import type { ConfigProblem } from "./check-env.js";
import { editDistance } from "./edit-distance.js";
import type { EnvVar } from "./env-values.js";
import { type EnvSource, envValue } from "./env-values.js";
import { groupPrefixes, variableGroups } from "./known-variables.js";

// Edits a name of this many characters or fewer may be away from a known one: 1, else 2.
const SHORT_NAME = 9;

/** Whether `name` starts with `prefix`, or with a one-edit misspelling of it of the same length (`SMPT_`). */
function inNamespace(name: string, prefix: string): boolean {
  return name.startsWith(prefix) || editDistance(name.slice(0, prefix.length), prefix) === 1;
}

/** The known names closest to `name`, when within a typo of it. */
function nearest(name: string, known: readonly string[]): string[] {
  let best = Number.POSITIVE_INFINITY;
  let names: string[] = [];
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance > (candidate.length <= SHORT_NAME ? 1 : 2) || distance > best) continue;
    if (distance < best) names = [];
    best = distance;
    names.push(candidate);
  }
  return names;
}

/**
 * Set variables that posse-mail does not read but that look like a misspelling of one it does: a known
 * prefix (`SMTP_`, `MAIL_`, each provider's) or a typo of one, and one or two edits from a known name.
 * Names the variables, never their values.
 */
export function misspeltVariables(
  env: EnvSource,
  providers: readonly { readonly env: readonly EnvVar[] }[],
): ConfigProblem[] {
  const groups = variableGroups(providers);
  const known = [...new Set(groups.flat())];
  const prefixes = [...new Set(groups.flatMap(groupPrefixes))];
  const problems: ConfigProblem[] = [];
  for (const variable of Object.keys(env).sort()) {
    if (known.includes(variable) || envValue(env, variable) === undefined) continue;
    if (!prefixes.some((prefix) => inNamespace(variable, prefix))) continue;
    const names = nearest(variable, known);
    if (names.length === 0) continue;
    problems.push({
      variable,
      problem: `${variable} is not a variable posse-mail reads: did you mean ${names.join(" or ")}?`,
    });
  }
  return problems;
}
