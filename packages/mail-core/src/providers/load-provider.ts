import { MailError } from "../errors/mail-error.js";
import { BUILTIN_PROVIDERS } from "./builtin-providers.js";
import type { AnyProviderDefinition } from "./define-provider.js";
import { isCommonJS } from "./node-builtins.js";
import { getRegisteredProvider, listProviders } from "./registry.js";

// Code given on the command line (`-e`, `-p`, `-pe`, `--eval=…`) or read from stdin (`-`): no entry module,
// and `process.argv[1]` is then a plain argument.
const EVAL_FLAG = /^(-[a-z]*[ep][a-z]*|--(eval|print)(=.*)?)$/s;

// The directory of the script node was started with, symlinks resolved as node resolves them.
function entryDirectory(): string | undefined {
  const main = process.argv[1];
  if (!main || main === "-" || process.execArgv.some((flag) => EVAL_FLAG.test(flag))) return undefined;
  const { realpathSync } = process.getBuiltinModule("node:fs");
  const { dirname } = process.getBuiltinModule("node:path");
  try {
    return dirname(realpathSync(main));
  } catch {
    return dirname(main);
  }
}

/**
 * Directories provider packages are looked up from (each with its ancestors' `node_modules`): the
 * directory of the application's entry module (`process.argv[1]`, symlinks resolved). Never the working
 * directory, where anyone who can write a `node_modules` would have their code run.
 */
export function defaultResolveFrom(): string[] {
  const directory = entryDirectory();
  return directory === undefined ? [] : [directory];
}

/**
 * The directory of `packageName` as node would find it from one of `directories` (their `node_modules`
 * and every ancestor's), without loading it; undefined when it is not installed there.
 */
export function findPackage(packageName: string, directories: readonly string[]): string | undefined {
  const { existsSync } = process.getBuiltinModule("node:fs");
  const { dirname, join } = process.getBuiltinModule("node:path");
  for (const start of directories) {
    for (let directory = start; ; directory = dirname(directory)) {
      const candidate = join(directory, "node_modules", ...packageName.split("/"));
      if (existsSync(join(candidate, "package.json"))) return candidate;
      if (dirname(directory) === directory) break;
    }
  }
  return undefined;
}

/** The file a package's `exports` names for `import` (ESM) or `require` (CommonJS). */
function entryFile(directory: string, condition: "import" | "require"): string | undefined {
  const { readFileSync } = process.getBuiltinModule("node:fs");
  const { join } = process.getBuiltinModule("node:path");
  const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as {
    exports?: unknown;
  };
  let target = (manifest.exports as Record<string, unknown> | undefined)?.["."] ?? manifest.exports;
  target =
    typeof target === "object" && target !== null ? (target as Record<string, unknown>)[condition] : target;
  target =
    typeof target === "object" && target !== null ? (target as Record<string, unknown>).default : target;
  return typeof target === "string" ? join(directory, target) : undefined;
}

// This copy of the core is ESM or CommonJS; the provider must load through the same module system, so
// that it registers with this copy and the app holds one core. tsup turns `import()` into `require()` in the
// CommonJS build, where a file URL is no module id: each build takes its own path.
async function importPackage(directory: string, packageName: string): Promise<void> {
  const { createRequire } = process.getBuiltinModule("node:module");
  const { dirname, join } = process.getBuiltinModule("node:path");
  const { pathToFileURL } = process.getBuiltinModule("node:url");
  const requireFromParent = createRequire(join(dirname(directory), "package.json"));
  if (isCommonJS) {
    requireFromParent(requireFromParent.resolve(packageName));
    return;
  }
  const entry = entryFile(directory, "import") ?? requireFromParent.resolve(packageName);
  await import(pathToFileURL(entry).href);
}

/** The `CONFIG` error for a `MAIL_PROVIDER` id that is neither first-party nor registered. */
export function unknownProviderError(id: string): MailError {
  const known = listProviders().map((provider) => provider.id);
  return new MailError(
    "CONFIG",
    `MAIL_PROVIDER names unknown provider "${id}"; known providers: ${known.join(", ")}`,
  );
}

/** Why a provider's package cannot be used, or undefined when it is registered or installed. */
export function packageProblem(id: string, resolveFrom: readonly string[]): string | undefined {
  if (getRegisteredProvider(id)) return undefined;
  const builtin = BUILTIN_PROVIDERS.find((provider) => provider.id === id);
  if (!builtin) return `"${id}" is not a known provider`;
  if (findPackage(builtin.packageName, resolveFrom)) return undefined;
  const name = builtin.packageName;
  if (resolveFrom.length === 0 && entryDirectory() === undefined) {
    return `${name} was not looked for: with no entry module (node -e, node -p, stdin, a REPL, a bundled Worker) there is no directory to find provider packages from, and none is loaded from the working directory; import "${name}" yourself before createMailerFromEnv, or run your code from a file`;
  }
  return `${name} is not installed: run \`npm install ${name}\``;
}

/**
 * The definition for a provider id: already registered, or a first-party package imported from where
 * {@link findPackage} finds it. A `CONFIG` error says which package to install, or lists the known ids.
 */
export async function loadProvider(
  id: string,
  resolveFrom: readonly string[] = defaultResolveFrom(),
): Promise<AnyProviderDefinition> {
  const registered = getRegisteredProvider(id);
  if (registered) return registered;
  const builtin = BUILTIN_PROVIDERS.find((provider) => provider.id === id);
  if (!builtin) throw unknownProviderError(id);
  const directory = findPackage(builtin.packageName, resolveFrom);
  if (directory === undefined) {
    throw new MailError("CONFIG", `${id}: ${packageProblem(id, resolveFrom)}`, { provider: id });
  }
  try {
    await importPackage(directory, builtin.packageName);
  } catch (error) {
    throw new MailError("CONFIG", `${builtin.packageName} is installed but failed to load`, {
      provider: id,
      cause: error,
    });
  }
  const definition = getRegisteredProvider(id);
  if (definition) return definition;
  throw new MailError(
    "CONFIG",
    `${builtin.packageName} loaded but did not register ${id}: install versions of it and @posse/mail-core that match`,
    { provider: id },
  );
}
