// createMailer checks each provider's config against the schema its definition declares, at run time,
// and the types catch the same mistakes at compile time (`npx tsc -p tsconfig.json` checks this file: an
// `@ts-expect-error` that no longer fails to compile is itself an error).
import { describe, expect, it } from "vitest";
import { createMailer, isMailError, type MailError, type ProviderSetup, useProvider } from "../src/index.js";
import { type ConfigSchema, defineProvider } from "../src/provider.js";
import { findSecret, memoryProvider } from "../src/testing/index.js";

interface AcmeConfig {
  readonly apiKey: string;
  readonly endpoint?: string;
  readonly retries?: number;
  readonly pool?: boolean | { readonly maxConnections?: number };
}

const ACME_SCHEMA: ConfigSchema<AcmeConfig> = {
  apiKey: "string!",
  endpoint: "url",
  retries: "integer",
  pool: ["boolean", { maxConnections: "integer" }],
};

const acme = defineProvider<AcmeConfig>({
  id: "acme",
  label: "Acme",
  env: [],
  config: ACME_SCHEMA,
  secretKeys: ["apiKey"],
  configFromEnv: () => ({ apiKey: "" }),
  create: () => ({ send: async () => ({ messageId: "acme-1" }), verify: async () => {} }),
});

const KEY = "acme-key-Zq81";

async function configError(promise: Promise<unknown>): Promise<MailError> {
  const error = await promise.then(
    () => new Error("createMailer resolved"),
    (caught: unknown) => caught,
  );
  expect(isMailError(error)).toBe(true);
  expect(error).toMatchObject({ code: "CONFIG" });
  expect(findSecret(error, [KEY, "localhost:9"])).toBeUndefined();
  return error as MailError;
}

// A config as a caller would write it with a mistake the types catch, for the run-time checks below.
const loose = (config: Record<string, unknown>) => config as unknown as AcmeConfig;

describe("createMailer validates each provider's config at creation", () => {
  it.each([
    [
      "a misspelt property",
      { apiKey: KEY, endpont: "http://127.0.0.1:9" },
      "endpont",
      'acme config: "endpont" is not a config property (known: apiKey, endpoint, retries, pool)',
    ],
    [
      "an endpoint that is not an absolute http(s) URL",
      { apiKey: KEY, endpoint: "localhost:9" },
      "endpoint",
      "acme config: endpoint must be an absolute http or https URL",
    ],
    [
      "a ftp endpoint",
      { apiKey: KEY, endpoint: "ftp://127.0.0.1/" },
      "endpoint",
      "acme config: endpoint must be an absolute http or https URL",
    ],
    ["a missing required property", {}, "apiKey", "acme config: apiKey is required"],
    [
      "an empty required string",
      { apiKey: "  " },
      "apiKey",
      "acme config: apiKey must be a non-empty string",
    ],
    [
      "a negative whole number",
      { apiKey: KEY, retries: -1 },
      "retries",
      "acme config: retries must be a positive whole number",
    ],
    [
      "a misspelt nested property",
      { apiKey: KEY, pool: { maxConections: 2 } },
      "pool.maxConections",
      'acme config: "pool.maxConections" is not a config property (known: maxConnections)',
    ],
    [
      "a nested value of the wrong kind",
      { apiKey: KEY, pool: "yes" },
      "pool",
      "acme config: pool must be true or false or an object with maxConnections",
    ],
  ])("refuses %s with CONFIG naming the property, never its value", async (_, config, field, message) => {
    const error = await configError(
      createMailer({ from: "app@example.com", providers: { definition: acme, config: loose(config) } }),
    );
    expect(error.message).toBe(message);
    expect(error.provider).toBe("acme");
    expect(error.field).toBe(field);
  });

  it("names every property at fault in one error", async () => {
    const error = await configError(
      createMailer({
        from: "app@example.com",
        providers: { definition: acme, config: loose({ endpont: "x", retries: 0 }) },
      }),
    );
    expect(error.message).toBe(
      'acme config: "endpont" is not a config property (known: apiKey, endpoint, retries, pool); apiKey is required; retries must be a positive whole number',
    );
  });

  it("accepts a config that matches, nested objects included", async () => {
    const mailer = await createMailer({
      from: "app@example.com",
      providers: useProvider(acme, {
        apiKey: KEY,
        endpoint: "https://acme.example/v1",
        retries: 2,
        pool: { maxConnections: 3 },
      }),
    });
    await expect(mailer.send({ to: "ann@example.com", subject: "s", text: "t" })).resolves.toEqual({
      provider: "acme",
      messageId: "acme-1",
    });
  });

  it("refuses timeoutMs: -1", async () => {
    const error = await configError(
      createMailer({ from: "app@example.com", timeoutMs: -1, providers: useProvider(acme, { apiKey: KEY }) }),
    );
    expect(error.message).toBe("timeoutMs must be a positive number of milliseconds");
    expect(error.field).toBe("timeoutMs");
  });

  it("does not check the config of a provider that declares no schema", async () => {
    const memory = memoryProvider();
    const mailer = await createMailer({
      from: "app@example.com",
      providers: { definition: memory, config: { outbox: [] } },
    });
    expect(mailer.provider).toBe("memory");
  });
});

describe("the types catch the same mistakes at compile time", () => {
  it("refuses a misspelt or missing property, inline or through useProvider", () => {
    // @ts-expect-error `endpont` is not a property of AcmeConfig
    const misspelt = useProvider(acme, { apiKey: KEY, endpont: "http://127.0.0.1:9" });
    // @ts-expect-error `apiKey` is required
    const missing = useProvider(acme, { endpoint: "http://127.0.0.1:9" });
    const typed: ProviderSetup<AcmeConfig> = useProvider(acme, { apiKey: KEY });
    const inline = () =>
      createMailer({
        from: "a@example.com",
        providers: {
          definition: acme,
          // @ts-expect-error `endpont` in a setup written inline
          config: { apiKey: KEY, endpont: "x" },
        },
      });
    const chain = () =>
      createMailer({
        from: "a@example.com",
        providers: [
          typed,
          // @ts-expect-error `endpont` in the second setup of a chain
          { definition: acme, config: { apiKey: KEY, endpont: "x" } },
        ],
      });
    expect([misspelt.config, missing.config, typed.config, inline, chain]).toHaveLength(5);
  });

  it("makes a schema describe every property, required ones with !", () => {
    // @ts-expect-error `pool` is not described
    const incomplete: ConfigSchema<AcmeConfig> = { apiKey: "string!", endpoint: "url", retries: "integer" };
    // @ts-expect-error `apiKey` is required in AcmeConfig, so its kind must end in !
    const optional: ConfigSchema<AcmeConfig> = { ...ACME_SCHEMA, apiKey: "string" };
    expect([incomplete, optional]).toHaveLength(2);
  });
});
