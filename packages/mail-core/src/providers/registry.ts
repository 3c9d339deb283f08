import { BUILTIN_PROVIDERS, type BuiltinProvider } from "./builtin-providers.js";
import type { AnyProviderDefinition, ProviderDefinition } from "./define-provider.js";

// One registry per process, shared by every copy of the core (ESM and CJS, or two installed versions).
const KEY = Symbol.for("@posse/mail-core/registry");
type Registry = Map<string, AnyProviderDefinition>;

function registry(): Registry {
  const scope = globalThis as { [KEY]?: Registry };
  scope[KEY] ??= new Map();
  return scope[KEY];
}

/** Makes a provider available to `createMailerFromEnv`; registering the same id again replaces it. */
export function registerProvider<Config>(definition: ProviderDefinition<Config>): void {
  registry().set(definition.id, definition);
}

/** The registered definition for an id, if its package has been imported. */
export function getRegisteredProvider(id: string): AnyProviderDefinition | undefined {
  return registry().get(id);
}

/** A provider as listed for docs, doctor commands and detection. */
export type ProviderInfo = (BuiltinProvider | AnyProviderDefinition) & {
  /** Whether its package has been imported (registered) in this process. */
  readonly registered: boolean;
};

/** First-party providers in detection order, then registered third-party ones in registration order. */
export function listProviders(): ProviderInfo[] {
  const providers: ProviderInfo[] = BUILTIN_PROVIDERS.map((builtin) => {
    const definition = getRegisteredProvider(builtin.id);
    return definition ? { ...definition, registered: true } : { ...builtin, registered: false };
  });
  const builtinIds = new Set(BUILTIN_PROVIDERS.map((builtin) => builtin.id));
  for (const definition of registry().values()) {
    if (!builtinIds.has(definition.id)) providers.push({ ...definition, registered: true });
  }
  return providers;
}
