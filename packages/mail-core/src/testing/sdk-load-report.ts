import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** Modules a fresh Node process had loaded after importing a provider package, then after `create`. */
export interface SdkLoadReport {
  /** Resolved module URLs (ESM) or file paths (CJS) after the import alone. */
  readonly afterImport: readonly string[];
  /** The same after the provider's `create` ran with `config` (= `afterImport` when no provider was named). */
  readonly afterCreate: readonly string[];
}

// The child records every ESM resolution through a module hook, and every CJS file through require.cache.
const CHILD = `
const [entry, format, providerId, configJson, log] = process.argv.slice(1);
const { appendFileSync } = await import("node:fs");
const { createRequire } = await import("node:module");
appendFileSync(log, "");
const mod = format === "cjs" ? createRequire(import.meta.url)(entry) : await import(entry);
await new Promise((r) => setTimeout(r, 50));
const { readFileSync } = await import("node:fs");
const snapshot = () => [
  ...Object.keys(createRequire(import.meta.url).cache),
  ...readFileSync(log, "utf8").split("\\n").filter(Boolean),
];
const afterImport = snapshot();
let afterCreate = afterImport;
if (providerId !== "") {
  const definition = Object.values(mod).find((value) => value && value.id === providerId);
  const transport = await definition.create(JSON.parse(configJson), { timeoutMs: 1000, now: Date.now });
  await new Promise((r) => setTimeout(r, 50));
  afterCreate = snapshot();
  await transport.close?.();
}
process.stdout.write(JSON.stringify({ afterImport, afterCreate }));
`;

function hook(log: string): string {
  const inner = `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + "\\n");
  return result;
}`;
  const register = `import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(${JSON.stringify(inner)}));`;
  return `data:text/javascript,${encodeURIComponent(register)}`;
}

/**
 * Imports a built provider package in a fresh Node process (ESM or CJS entry) and reports which modules
 * were loaded before and after its `create` ran, so a test can prove the vendor SDK loads lazily. Without a
 * `providerId` it only imports the entry (for a subpath such as `webhooks`, which must load no SDK at all).
 */
export async function sdkLoadReport(options: {
  /** Absolute path of the built entry (`dist/index.js` or `dist/index.cjs`). */
  readonly entry: string;
  /** The provider id whose definition the entry exports; leave it out for an entry without one (e.g. `dist/webhooks/index.js`). */
  readonly providerId?: string;
  /** Config handed to `create`. */
  readonly config?: unknown;
}): Promise<SdkLoadReport> {
  const directory = await mkdtemp(join(tmpdir(), "posse-sdk-load-"));
  const log = join(directory, "resolved.log");
  const format = options.entry.endsWith(".cjs") ? "cjs" : "esm";
  const entry = format === "cjs" ? options.entry : pathToFileURL(options.entry).href;
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [
          "--import",
          hook(log),
          "--input-type=module",
          "-e",
          CHILD,
          entry,
          format,
          options.providerId ?? "",
          JSON.stringify(options.config ?? null),
          log,
        ],
        { env: { ...process.env, NODE_OPTIONS: "" } },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
    });
    return JSON.parse(stdout) as SdkLoadReport;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
