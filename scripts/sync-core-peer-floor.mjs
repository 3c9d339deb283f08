#!/usr/bin/env node
// Run after `changeset version` (root script `version-packages`): sets every published package's peer range
// on @posse/mail-core to ">=<core major>.<core minor>.0 <next major>", so a provider is never published
// accepting an older core than the one it was built and tested against, while a later 0.x core minor
// still satisfies it (no forced provider release). changesets leaves in-range peer ranges alone
// (onlyUpdatePeerDependentsWhenOutOfRange), so without this step the floor would fall behind.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = process.argv[2] ?? join(import.meta.dirname, "..");
const CORE = "@posse/mail-core";
const packagesDir = join(ROOT, "packages");
const manifests = readdirSync(packagesDir).map((name) => join(packagesDir, name, "package.json"));
const read = (path) => JSON.parse(readFileSync(path, "utf8"));

const core = manifests.map(read).find((manifest) => manifest.name === CORE);
const [major, minor] = core.version.split(".").map(Number);
const range = `>=${major}.${minor}.0 <${major + 1}.0.0`;

for (const path of manifests) {
  const manifest = read(path);
  if (manifest.private || !manifest.peerDependencies?.[CORE] || manifest.peerDependencies[CORE] === range)
    continue;
  console.log(`${manifest.name}: peer ${CORE} ${manifest.peerDependencies[CORE]} -> ${range}`);
  manifest.peerDependencies[CORE] = range;
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
}
