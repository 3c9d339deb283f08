// Variables other packages read (a queue's, an add-on's), registered by each package when it is imported, so
// that the core can name a misspelling of them without holding a copy of their names.

// One registry per process, shared by every copy of the core (ESM and CJS, or two installed versions).
const KEY = Symbol.for("@posse/mail-core/known-variables");
type Registry = Map<string, readonly string[]>;

function registry(): Registry {
  const scope = globalThis as { [KEY]?: Registry };
  scope[KEY] ??= new Map();
  return scope[KEY];
}

/**
 * Makes the names a package reads known to the core (`MAIL_QUEUE_URL`, …): a set variable one or two edits
 * from one of them is then reported by `createMailerFromEnv` with "did you mean". Call it at import;
 * registering the same names again changes nothing.
 */
export function registerKnownVariables(names: readonly string[]): void {
  const valid = names.filter((name) => /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(name));
  if (valid.length !== names.length || names.length === 0) {
    throw new TypeError("registerKnownVariables takes a non-empty list of names like MAIL_QUEUE_URL");
  }
  const key = [...names].sort().join(",");
  if (!registry().has(key)) registry().set(key, [...names]);
}

/** Every group of names registered so far, in registration order. */
export function registeredVariables(): readonly (readonly string[])[] {
  return [...registry().values()];
}
