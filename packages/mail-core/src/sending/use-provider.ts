import type { ProviderDefinition } from "../providers/define-provider.js";
import type { ProviderSetup } from "./mailer.js";

/**
 * Pairs a provider with its config for `createMailer`, typed so a misspelt or unknown property
 * (`{ endpont: … }`) or a missing required one fails to compile; `createMailer` checks the same at run time.
 */
export function useProvider<Config>(
  definition: ProviderDefinition<Config>,
  config: NoInfer<Config>,
  secrets?: readonly string[],
): ProviderSetup<Config> {
  return secrets === undefined ? { definition, config } : { definition, config, secrets };
}
