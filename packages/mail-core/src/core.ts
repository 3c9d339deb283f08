// Not an entry point of the package: the one module the built entries share (see tsup.config.ts).
// dist/index, dist/provider and dist/testing/index re-export from its single built copy, so a class
// (MailError) or the provider registry is the same object through whichever entry it is reached.

// Both surfaces export these, from modules built into dist/neutral-core, which the bundler cannot see
// into: named here, or the two `export *` above would cancel each other out as ambiguous.
export { envValue } from "./configuration/env-values.js";
export { isMailError, MailError } from "./errors/mail-error.js";
export * from "./index.js";
export * from "./provider.js";
