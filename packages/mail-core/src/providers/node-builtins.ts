// Node built-ins that only finding and loading provider packages needs, fetched on first use: importing
// `node:fs` or `node:module` at the top would cost every cold start milliseconds (their ESM wrappers
// load Node's stream and source-map modules), whether or not a provider is ever looked up.
import type * as fs from "node:fs";
import type * as nodeModule from "node:module";
import type * as path from "node:path";
import type * as url from "node:url";
import { MailError } from "../errors/mail-error.js";

interface Builtins {
  "node:fs": typeof fs;
  "node:module": typeof nodeModule;
  "node:path": typeof path;
  "node:url": typeof url;
}

// tsup turns `require` into a shim that exists in the ESM build too; `module` exists only in CommonJS.
/** Whether this copy of the core is the CommonJS build. */
export const isCommonJS = typeof require === "function" && typeof module === "object";

// An ES module on Node < 20.16 has no synchronous way to load a built-in (no process.getBuiltinModule):
// there they are imported ahead, by preloadNodeBuiltins.
const preloaded: Partial<Builtins> = {};

/**
 * Makes {@link nodeBuiltin} work on Node < 20.16 in the ESM build; does nothing elsewhere. The async
 * entry points that look up provider packages call it first.
 */
export async function preloadNodeBuiltins(): Promise<void> {
  if (typeof process.getBuiltinModule === "function" || isCommonJS) return;
  preloaded["node:fs"] ??= await import("node:fs");
  preloaded["node:module"] ??= await import("node:module");
  preloaded["node:path"] ??= await import("node:path");
  preloaded["node:url"] ??= await import("node:url");
}

/** A Node built-in module, loaded synchronously when first asked for (cached by Node). */
export function nodeBuiltin<Id extends keyof Builtins>(id: Id): Builtins[Id] {
  // Node >= 20.16 in either module system; then the CommonJS build's own `require`.
  if (typeof process.getBuiltinModule === "function")
    return process.getBuiltinModule(id) as unknown as Builtins[Id];
  if (isCommonJS) return require(id) as Builtins[Id];
  const found = preloaded[id];
  if (found) return found;
  throw new MailError(
    "CONFIG",
    `looking up provider packages in an ES module on Node ${process.version} needs Node 20.16 or later, or a call to createMailerFromEnv first`,
  );
}
