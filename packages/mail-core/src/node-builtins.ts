// Node built-ins that only finding and loading provider packages needs, fetched on first use: importing
// `node:fs` or `node:module` at the top would cost every cold start milliseconds (their ESM wrappers
// load Node's stream and source-map modules), whether or not a provider is ever looked up.
import type * as fs from "node:fs";
import type * as nodeModule from "node:module";
import type * as path from "node:path";
import type * as url from "node:url";

interface Builtins {
  "node:fs": typeof fs;
  "node:module": typeof nodeModule;
  "node:path": typeof path;
  "node:url": typeof url;
}

// tsup turns `require` into a shim that exists in the ESM build too; `module` exists only in CommonJS.
/** Whether this copy of the core is the CommonJS build. */
export const isCommonJS = typeof require === "function" && typeof module === "object";

/** A Node built-in module, loaded synchronously when first asked for (cached by Node). */
export function nodeBuiltin<Id extends keyof Builtins>(id: Id): Builtins[Id] {
  // Node >= 20.16 in either module system; then the CommonJS build's own `require`.
  if (typeof process.getBuiltinModule === "function")
    return process.getBuiltinModule(id) as unknown as Builtins[Id];
  if (isCommonJS) return require(id) as Builtins[Id];
  throw new Error(`${id} cannot be loaded lazily on Node ${process.version}: use Node 20.16 or later`);
}
