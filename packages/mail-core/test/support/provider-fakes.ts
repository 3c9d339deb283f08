import type { BuiltinProvider, EnvVar, NormalizedMessage, ProviderDefinition } from "../../src/index.js";
import { builtinProvider, defineProvider, type EnvValues } from "../../src/provider.js";

/** The key under which every copy of the core keeps its provider registry. */
export const REGISTRY_KEY = Symbol.for("@posse/mail-core/registry");

/** Forgets every registered provider, whichever copy of the core registered it. */
export function clearRegistry(): void {
  const registry = (globalThis as Record<symbol, unknown>)[REGISTRY_KEY];
  if (registry instanceof Map) registry.clear();
  created.length = 0;
}

/** What a fake provider's `configFromEnv` returns: the values the core read for it. */
export interface FakeConfig {
  readonly values: EnvValues;
  readonly [key: string]: unknown;
}

/** A transport a fake provider made: its config and what it was asked to send. */
export interface CreatedTransport {
  readonly id: string;
  readonly config: FakeConfig;
  readonly outbox: NormalizedMessage[];
}

/** Every transport fake providers made since the last {@link clearRegistry}, in order. */
export const created: CreatedTransport[] = [];

/** A provider that keeps messages in memory and reads the given variables. */
export function fakeDefinition(
  id: string,
  entry: Pick<BuiltinProvider, "label" | "env"> & {
    readonly detectWith?: readonly string[] | undefined;
    readonly packageName?: string | undefined;
  },
  configFromEnv: (values: EnvValues) => FakeConfig = (values) => ({ values }),
): ProviderDefinition<FakeConfig> {
  return defineProvider<FakeConfig>({
    id,
    label: entry.label,
    env: entry.env,
    ...(entry.detectWith ? { detectWith: entry.detectWith } : {}),
    ...(entry.packageName ? { packageName: entry.packageName } : {}),
    configFromEnv,
    create(config) {
      const transport: CreatedTransport = { id, config, outbox: [] };
      created.push(transport);
      return {
        async send(message) {
          transport.outbox.push(message);
          return { messageId: `${id}-${transport.outbox.length}` };
        },
        async verify() {},
      };
    },
  });
}

/** A fake standing in for a first-party provider: its real id and variables, no vendor code. */
export function fakeBuiltin(id: string): ProviderDefinition<FakeConfig> {
  return fakeDefinition(id, builtinProvider(id));
}

/** A third-party provider reading the given variables (all required). */
export function thirdParty(id: string, names: readonly string[]): ProviderDefinition<FakeConfig> {
  const env: EnvVar[] = names.map((name) => ({ name, description: name, required: true, secret: true }));
  return fakeDefinition(id, { label: id, env });
}
