// The Node built-ins that only finding and loading provider packages needs are fetched on first use, with
// process.getBuiltinModule: importing `node:fs` or `node:module` at the top would cost every cold start
// milliseconds (their ESM wrappers load Node's stream and source-map modules), whether or not a provider is
// ever looked up.

// tsup turns `require` into a shim that exists in the ESM build too; `module` exists only in CommonJS.
/** Whether this copy of the core is the CommonJS build. */
export const isCommonJS = typeof require === "function" && typeof module === "object";
