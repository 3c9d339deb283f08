// The workspace's own install (`npm run setup`, pnpm): every dependency with an install script is decided in
// pnpm-workspace.yaml, built (onlyBuiltDependencies) or not (ignoredBuiltDependencies), so a first install
// prints no "Ignored build scripts" box asking the contributor to choose.
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const STORE = join(ROOT, "node_modules", ".pnpm");

/** The names listed under `key:` in pnpm-workspace.yaml (a top-level list of plain names). */
function workspaceList(key: string): string[] {
  const yaml = readFileSync(join(ROOT, "pnpm-workspace.yaml"), "utf8");
  const block = new RegExp(`^${key}:\\n((?:  - .*\\n)+)`, "m").exec(yaml)?.[1] ?? "";
  return block.split("\n").flatMap((line) => (line.startsWith("  - ") ? [line.slice(4).trim()] : []));
}

/** Each package directory pnpm installed (its own, not the links to its dependencies beside it). */
function installedPackageDirs(): string[] {
  const dirs: string[] = [];
  for (const entry of readdirSync(STORE)) {
    const modules = join(STORE, entry, "node_modules");
    if (!existsSync(modules)) continue;
    for (const name of readdirSync(modules)) {
      const scoped = name.startsWith("@")
        ? readdirSync(join(modules, name)).map((n) => join(name, n))
        : [name];
      for (const child of scoped) {
        const dir = join(modules, child);
        if (!lstatSync(dir).isSymbolicLink()) dirs.push(dir);
      }
    }
  }
  return dirs;
}

/** Packages whose install runs code: an install script, or a binding.gyp (npm and pnpm run node-gyp for it). */
function packagesWithInstallScripts(): string[] {
  const names = new Set<string>();
  for (const dir of installedPackageDirs()) {
    const manifestPath = join(dir, "package.json");
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
      name: string;
      scripts?: Record<string, string>;
    };
    const scripts = manifest.scripts ?? {};
    if (
      scripts.preinstall ||
      scripts.install ||
      scripts.postinstall ||
      existsSync(join(dir, "binding.gyp"))
    ) {
      names.add(manifest.name);
    }
  }
  return [...names].sort();
}

describe("the workspace install", () => {
  it("decides every dependency's install script in pnpm-workspace.yaml (no 'Ignored build scripts' box)", () => {
    const found = packagesWithInstallScripts();
    // esbuild (tsup's bundler) has one: the check finds install scripts where they are.
    expect(found).toContain("esbuild");
    const decided = new Set([
      ...workspaceList("onlyBuiltDependencies"),
      ...workspaceList("ignoredBuiltDependencies"),
    ]);
    expect(found.filter((name) => !decided.has(name))).toEqual([]);
  });
});
