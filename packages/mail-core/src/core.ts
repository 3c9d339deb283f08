// Not an entry point of the package: the one module the built entries share (see tsup.config.ts).
// dist/index, dist/provider and dist/testing/index re-export from its single built copy, so a class
// (MailError) or the provider registry is the same object through whichever entry it is reached.
export * from "./index.js";
export * from "./provider.js";
