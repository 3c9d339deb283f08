// What every published package promises its installers: ranges they can dedupe and patch, a peer range on
// the core from the core minor it was built against up to (not including) 1.0.0, the one Node range its README
// and the guides state too, and a licence file that matches package.json.
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const PACKAGES = readdirSync(join(ROOT, "packages")).map((name) => ({
  name,
  manifest: JSON.parse(readFileSync(join(ROOT, "packages", name, "package.json"), "utf8")) as {
    name: string;
    version: string;
    private?: boolean;
    license?: string;
    engines?: { node?: string };
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  },
}));
const PUBLISHED = PACKAGES.filter((entry) => !entry.manifest.private);
const PROVIDERS = PUBLISHED.filter((entry) => entry.manifest.peerDependencies?.["@posse/mail-core"]);
const CORE_VERSION = PACKAGES.find((entry) => entry.manifest.name === "@posse/mail-core")!.manifest.version;

/** The smallest semver check this test needs: does `version` satisfy `>=a <b` or `^x.y.z`? */
function satisfies(version: string, range: string): boolean {
  const parse = (v: string) => v.split(".").map(Number) as [number, number, number];
  const compare = (a: string, b: string) => {
    const [x, y] = [parse(a), parse(b)];
    for (let i = 0; i < 3; i++) if (x[i]! !== y[i]!) return x[i]! - y[i]!;
    return 0;
  };
  return range.split(/\s+/).every((part) => {
    const [, op, bound] = /^(>=|<=|>|<|\^)?(\d+\.\d+\.\d+)$/.exec(part) ?? [];
    if (!bound) throw new Error(`unsupported range part ${part}`);
    if (op === ">=") return compare(version, bound) >= 0;
    if (op === "<") return compare(version, bound) < 0;
    if (op === "^") {
      const [major, minor] = parse(bound);
      return (
        compare(version, bound) >= 0 &&
        (major > 0 ? parse(version)[0] === major : parse(version)[1] === minor)
      );
    }
    return compare(version, bound) === 0;
  });
}

describe("published packages", () => {
  it("there is a provider package for every first-party provider", () => {
    // Other packages depend on the core too (mail-queue, mail-testkit, …); a provider has src/provider.ts.
    const providers = PROVIDERS.filter((entry) =>
      existsSync(join(ROOT, "packages", entry.name, "src", "provider.ts")),
    );
    expect(providers.length).toBe(8);
  });

  it.each(PUBLISHED.map((entry) => [entry.manifest.name, entry]))(
    "%s takes its dependencies as caret ranges, never exact pins",
    (_name, { manifest }) => {
      for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) {
        expect(range, dependency).toMatch(/^\^\d+\.\d+\.\d+$/);
      }
    },
  );

  it.each(PROVIDERS.map((entry) => [entry.manifest.name, entry]))(
    "%s requires at least the core minor it is built against, and accepts every later core below 1.0.0",
    (_name, { manifest }) => {
      // A provider uses core APIs up to the workspace's core; an older core would fail at run time, while a
      // later 0.x minor must still satisfy the range (or changesets would force a provider release).
      const range = manifest.peerDependencies!["@posse/mail-core"]!;
      expect(range).not.toMatch(/^workspace:/);
      const [major, minor] = CORE_VERSION.split(".").map(Number) as [number, number];
      const accepted = [`${major}.${minor}.0`, CORE_VERSION, `${major}.${minor + 7}.3`];
      for (const version of accepted) expect(satisfies(version, range), version).toBe(true);
      const below = minor > 0 ? `${major}.${minor - 1}.99` : major > 0 ? `${major - 1}.99.99` : undefined;
      for (const version of [below, `${major + 1}.0.0`]) {
        if (version) expect(satisfies(version, range), version).toBe(false);
      }
    },
  );

  it("`npm run version-packages` raises every provider's core floor to the core version changesets gave", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts["version-packages"]).toBe(
      "changeset version && node scripts/sync-core-peer-floor.mjs",
    );
    // The script, on a copy of the packages after a core bump to 0.7.2.
    const copy = mkdtempSync(join(tmpdir(), "posse-peer-floor-"));
    try {
      for (const { name, manifest: original } of PACKAGES) {
        mkdirSync(join(copy, "packages", name), { recursive: true });
        const bumped = original.name === "@posse/mail-core" ? { ...original, version: "0.7.2" } : original;
        writeFileSync(join(copy, "packages", name, "package.json"), JSON.stringify(bumped, null, 2));
      }
      execFileSync(process.execPath, [join(ROOT, "scripts", "sync-core-peer-floor.mjs"), copy]);
      for (const { name, manifest: original } of PROVIDERS) {
        const after = JSON.parse(readFileSync(join(copy, "packages", name, "package.json"), "utf8"));
        expect(after.peerDependencies["@posse/mail-core"], original.name).toBe(">=0.7.0 <1.0.0");
        expect({ ...after, peerDependencies: original.peerDependencies }).toEqual(original);
      }
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it("every package and every README and guide that names a Node version states the root's range", () => {
    const range = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).engines.node as string;
    expect(range).toMatch(/^>=\d+\.\d+$/);
    for (const { manifest } of PUBLISHED) expect(manifest.engines?.node, manifest.name).toBe(range);
    const documents = [
      "README.md",
      "CONTRIBUTING.md",
      ...readdirSync(join(ROOT, "docs")).map((name) => join("docs", name)),
      ...PACKAGES.map((entry) => join("packages", entry.name, "README.md")),
    ];
    const stated = documents.flatMap((path) =>
      [...readFileSync(join(ROOT, path), "utf8").matchAll(/Node\.js (\S+) or later/g)].map((m) => [
        path,
        m[1],
      ]),
    );
    expect(stated.length).toBeGreaterThan(0);
    for (const [path, version] of stated) expect(`>=${version}`, path).toBe(range);
  });

  it("the repository has an MIT LICENSE held by the posse-mail contributors, as every package.json says", () => {
    const licence = join(ROOT, "LICENSE");
    expect(existsSync(licence)).toBe(true);
    const text = readFileSync(licence, "utf8");
    expect(text).toMatch(/^MIT License/);
    expect(text).toContain("posse-mail contributors");
    for (const { manifest } of PUBLISHED) expect(manifest.license, manifest.name).toBe("MIT");
  });
});
