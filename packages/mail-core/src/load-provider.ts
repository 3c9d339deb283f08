import { BUILTIN_PROVIDERS } from "./builtin-providers.js";
import type { AnyProviderDefinition } from "./define-provider.js";
import { MailError } from "./errors.js";
import { getRegisteredProvider, listProviders } from "./registry.js";

function isNotFound(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    typeof message === "string" &&
    message.includes(packageName)
  );
}

// The core cannot see packages its own dependents installed under pnpm's strict layout, so when a
// bare import fails it looks the package up from the application's directories too.
async function importFrom(packageName: string, directories: readonly string[]): Promise<boolean> {
  try {
    await import(packageName);
    return true;
  } catch (error) {
    if (!isNotFound(error, packageName)) throw error;
  }
  const { createRequire } = await import("node:module");
  const { join } = await import("node:path");
  const { pathToFileURL } = await import("node:url");
  for (const directory of directories) {
    let resolved: string;
    try {
      resolved = createRequire(join(directory, "package.json")).resolve(packageName);
    } catch (error) {
      if (isNotFound(error, packageName)) continue;
      throw error;
    }
    await import(pathToFileURL(resolved).href);
    return true;
  }
  return false;
}

/** Directories to find provider packages from when the core's own import cannot: the app's. */
export function defaultResolveFrom(): string[] {
  const directories = [process.cwd()];
  const main = process.argv[1];
  if (main) directories.push(main.replace(/[\\/][^\\/]*$/, ""));
  return directories;
}

/** The `CONFIG` error for a `MAIL_PROVIDER` id that is neither first-party nor registered. */
export function unknownProviderError(id: string): MailError {
  const known = listProviders().map((provider) => provider.id);
  return new MailError(
    "CONFIG",
    `MAIL_PROVIDER names unknown provider "${id}"; known providers: ${known.join(", ")}`,
  );
}

/**
 * The definition for a provider id: already registered, or a first-party package imported on demand.
 * A `CONFIG` error says which package to install, or lists the known ids.
 */
export async function loadProvider(
  id: string,
  resolveFrom: readonly string[] = defaultResolveFrom(),
): Promise<AnyProviderDefinition> {
  const registered = getRegisteredProvider(id);
  if (registered) return registered;
  const builtin = BUILTIN_PROVIDERS.find((provider) => provider.id === id);
  if (!builtin) throw unknownProviderError(id);
  let found: boolean;
  try {
    found = await importFrom(builtin.packageName, resolveFrom);
  } catch (error) {
    throw new MailError("CONFIG", `${builtin.packageName} is installed but failed to load`, {
      provider: id,
      cause: error,
    });
  }
  const definition = getRegisteredProvider(id);
  if (found && definition) return definition;
  if (found) {
    throw new MailError(
      "CONFIG",
      `${builtin.packageName} loaded but did not register ${id}: install versions of it and @posse/mail-core that match`,
      { provider: id },
    );
  }
  throw new MailError(
    "CONFIG",
    `MAIL_PROVIDER selects ${id}, but ${builtin.packageName} is not installed: run \`npm install ${builtin.packageName}\``,
    { provider: id },
  );
}
