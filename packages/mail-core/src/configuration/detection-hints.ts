import type { ProviderInfo } from "../providers/registry.js";
import { checkProviderEnv } from "./check-env.js";
import { detectionVariables, type EnvSource, envValue } from "./env-values.js";

const and = (names: readonly string[]) => names.join(" and ");

/**
 * Why a blank `MAIL_PROVIDER` detected none of the providers whose variables are partly set: e.g. `SMTP_HOST
 * is set without SMTP_USERNAME and SMTP_PASSWORD, so SMTP is not detected: to send without them, choose it
 * with MAIL_PROVIDER=smtp` (a relay that needs no login). Names variables, never values.
 */
export function detectionHints(env: EnvSource, providers: readonly ProviderInfo[]): string[] {
  return providers.flatMap((provider) => {
    const names = detectionVariables(provider);
    const set = names.filter((name) => envValue(env, name) !== undefined);
    if (set.length === 0 || set.length === names.length) return [];
    const unset = names.filter((name) => !set.includes(name));
    const hint = `${and(set)} ${set.length > 1 ? "are" : "is"} set without ${and(unset)}, so ${provider.label} is not detected`;
    const usable = checkProviderEnv(provider, env).length === 0;
    const them = unset.length > 1 ? "them" : "it";
    return [usable ? `${hint}: to send without ${them}, choose it with MAIL_PROVIDER=${provider.id}` : hint];
  });
}
