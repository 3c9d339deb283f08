import { MailError } from "../errors/mail-error.js";
import { HOST_NAME } from "./env-formats.js";

/**
 * What a config property may hold: `string` (non-empty), `url` (an absolute http or https URL),
 * `hostname` (a bare domain name), `number` (positive), `integer` (positive, whole), `port` (1-65535),
 * `boolean`, `object` (handed on as is, e.g. TLS options), `array` or `function`.
 */
export type ConfigKind =
  | "string"
  | "url"
  | "hostname"
  | "number"
  | "integer"
  | "port"
  | "boolean"
  | "object"
  | "array"
  | "function";

/** The properties of a nested config object and what each holds. */
export interface NestedConfigSchema {
  readonly [property: string]: ConfigField;
}

/**
 * How a config property is described: a kind (`"url"`), a required kind (`"string!"`), the schema of a
 * nested object, or a list of alternatives (`["boolean", { maxConnections: "integer" }]`).
 */
export type ConfigField =
  | ConfigKind
  | `${ConfigKind}!`
  | NestedConfigSchema
  | readonly (ConfigKind | NestedConfigSchema)[];

/**
 * A provider's config description: every property of `Config`, required ones (not optional in the type)
 * marked with `!`. Adding a property to the config type without describing it here fails to compile.
 */
export type ConfigSchema<Config> = {
  readonly [K in keyof Config]-?: Partial<Pick<Config, K>> extends Pick<Config, K>
    ? ConfigField
    : `${ConfigKind}!`;
};

const CHECKS: Readonly<Record<ConfigKind, readonly [(value: unknown) => boolean, string]>> = {
  string: [(value) => typeof value === "string" && value.trim() !== "", "a non-empty string"],
  url: [isHttpUrl, "an absolute http or https URL"],
  hostname: [(value) => typeof value === "string" && HOST_NAME.test(value), "a bare domain name"],
  number: [(value) => typeof value === "number" && Number.isFinite(value) && value > 0, "a positive number"],
  integer: [(value) => Number.isSafeInteger(value) && (value as number) > 0, "a positive whole number"],
  port: [
    (value) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535,
    "a port number from 1 to 65535",
  ],
  boolean: [(value) => typeof value === "boolean", "true or false"],
  object: [(value) => typeof value === "object" && value !== null && !Array.isArray(value), "an object"],
  array: [Array.isArray, "an array"],
  function: [(value) => typeof value === "function", "a function"],
};

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

const isNested = (field: unknown): field is NestedConfigSchema =>
  typeof field === "object" && field !== null && !Array.isArray(field);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

interface FieldProblem {
  readonly field: string;
  readonly text: string;
}

function checkObject(
  schema: NestedConfigSchema,
  value: Record<string, unknown>,
  path: string,
  problems: FieldProblem[],
): void {
  const known = Object.keys(schema);
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(schema, key)) {
      const field = `${path}${key}`;
      problems.push({
        field,
        text: `${JSON.stringify(field)} is not a config property (known: ${known.join(", ")})`,
      });
    }
  }
  for (const key of known) {
    const field = schema[key]!;
    const name = `${path}${key}`;
    const item = value[key];
    if (item === undefined) {
      if (typeof field === "string" && field.endsWith("!"))
        problems.push({ field: name, text: `${name} is required` });
      continue;
    }
    const alternatives =
      typeof field === "string" ? [field.replace(/!$/, "") as ConfigKind] : isNested(field) ? [field] : field;
    const nested = alternatives.find(isNested);
    if (nested && isPlainObject(item) && !alternatives.includes("object")) {
      checkObject(nested, item, `${name}.`, problems);
      continue;
    }
    const kinds = alternatives.filter((kind): kind is ConfigKind => typeof kind === "string");
    if (kinds.some((kind) => CHECKS[kind][0](item))) continue;
    const expected = [
      ...kinds.map((kind) => CHECKS[kind][1]),
      ...(nested ? [`an object with ${Object.keys(nested).join(", ")}`] : []),
    ];
    problems.push({ field: name, text: `${name} must be ${expected.join(" or ")}` });
  }
}

/**
 * Checks a config against its provider's schema: unknown properties (a misspelt `endpoint`), missing
 * required ones and values of the wrong kind are one `CONFIG` error naming every property at fault,
 * never a value. A provider without a schema is not checked.
 */
export function validateConfig(
  definition: { readonly id: string; readonly config?: NestedConfigSchema | undefined },
  config: unknown,
): void {
  const schema = definition.config;
  if (schema === undefined) return;
  if (!isPlainObject(config)) {
    throw new MailError("CONFIG", `${definition.id} config must be an object`, { provider: definition.id });
  }
  const problems: FieldProblem[] = [];
  checkObject(schema, config, "", problems);
  if (problems.length > 0) {
    throw new MailError("CONFIG", `${definition.id} config: ${problems.map((p) => p.text).join("; ")}`, {
      provider: definition.id,
      field: problems[0]!.field,
    });
  }
}

/** Checks the mailer-wide numbers of `createMailer` options: a `CONFIG` error naming the option. */
export function validateMailerOptions(options: {
  readonly timeoutMs?: number;
  readonly cooldownMs?: number;
}): void {
  const { timeoutMs, cooldownMs } = options;
  if (timeoutMs !== undefined && !CHECKS.number[0](timeoutMs)) {
    throw new MailError("CONFIG", "timeoutMs must be a positive number of milliseconds", {
      field: "timeoutMs",
    });
  }
  if (
    cooldownMs !== undefined &&
    !(typeof cooldownMs === "number" && cooldownMs >= 0 && Number.isFinite(cooldownMs))
  ) {
    throw new MailError("CONFIG", "cooldownMs must be a number of milliseconds, 0 or more", {
      field: "cooldownMs",
    });
  }
}
