// Packs workspace packages with pnpm, as `pnpm publish` would (workspace: ranges rewritten).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { cleanEnv, run } from "./run.js";
import { type PackageToCheck, ROOT } from "./workspace-packages.js";

/** The pnpm the repository pins, run through npx as everywhere else. */
export const PNPM = ["-y", "pnpm@10.34.9"] as const;

/** Packs every package into `destination` in one pnpm call; returns each package's tarball path. */
export async function packAll(
  packages: readonly PackageToCheck[],
  destination: string,
): Promise<Map<string, string>> {
  const filters = packages.flatMap((entry) => ["--filter", entry.manifest.name]);
  const result = await run("npx", [...PNPM, "-r", ...filters, "pack", "--pack-destination", destination], {
    cwd: ROOT,
    env: cleanEnv(),
    timeoutMs: 120_000,
  });
  if (result.code !== 0)
    throw new Error(`pnpm pack failed (${result.code}):\n${result.stdout}${result.stderr}`);
  const files = readdirSync(destination);
  const tarballs = new Map<string, string>();
  for (const { manifest } of packages) {
    const file = `${manifest.name.replace(/^@/, "").replace("/", "-")}-${manifest.version}.tgz`;
    if (!files.includes(file)) throw new Error(`pnpm pack wrote no ${file} for ${manifest.name}`);
    tarballs.set(manifest.name, join(destination, file));
  }
  return tarballs;
}
