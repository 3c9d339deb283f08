// The packages a user installs from npm: every non-private package under packages/, and the example
// providers under examples/ (packed and installed exactly like a stranger's provider package would be).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The repository root. */
export const ROOT = join(import.meta.dirname, "..", "..", "..");

/** The fields of package.json this harness reads. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly exports?: Record<string, unknown>;
  readonly bin?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

/** A workspace package to pack and install. */
export interface PackageToCheck {
  /** Its directory in the workspace. */
  readonly dir: string;
  /** Its package.json. */
  readonly manifest: Manifest;
  /** Every specifier it exports, e.g. `@posse/mail-core/testing` (package.json left out). */
  readonly specifiers: readonly string[];
  /** The specifiers whose export has a `require` condition (the others are ESM-only). */
  readonly requirable: readonly string[];
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
}

function packageDirs(parent: string): string[] {
  const path = join(ROOT, parent);
  if (!existsSync(path)) return [];
  return readdirSync(path)
    .map((name) => join(path, name))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .sort();
}

function hasRequireCondition(entry: unknown): boolean {
  return typeof entry === "object" && entry !== null && "require" in entry;
}

/** Every public package under packages/ plus every package under examples/. */
export function packagesToCheck(): PackageToCheck[] {
  const published = packageDirs("packages").filter((dir) => !readManifest(dir).private);
  return [...published, ...packageDirs("examples")].map((dir) => {
    const manifest = readManifest(dir);
    const exports = manifest.exports ?? { ".": {} };
    const subpaths = Object.keys(exports).filter((key) => !key.endsWith(".json"));
    const specifier = (key: string) => (key === "." ? manifest.name : `${manifest.name}/${key.slice(2)}`);
    return {
      dir,
      manifest,
      specifiers: subpaths.map(specifier),
      requirable: subpaths.filter((key) => hasRequireCondition(exports[key])).map(specifier),
    };
  });
}

/** This package's own manifest: its devDependencies make turbo build every checked package first. */
export const HARNESS_MANIFEST = readManifest(join(ROOT, "tests", "packaging"));
