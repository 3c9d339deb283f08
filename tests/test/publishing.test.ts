// What every published package promises its installers: ranges they can dedupe and patch, a peer range on
// the core that a 0.x minor of core still satisfies, and a licence file that matches package.json.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const PACKAGES = readdirSync(join(ROOT, "packages")).map((name) => ({
  name,
  manifest: JSON.parse(readFileSync(join(ROOT, "packages", name, "package.json"), "utf8")) as {
    name: string;
    private?: boolean;
    license?: string;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  },
}));
const PUBLISHED = PACKAGES.filter((entry) => !entry.manifest.private);
const PROVIDERS = PUBLISHED.filter((entry) => entry.manifest.peerDependencies?.["@posse/mail-core"]);

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
    "%s accepts every 0.x core from 0.1.0 on, so a core minor does not force a provider major",
    (_name, { manifest }) => {
      const range = manifest.peerDependencies!["@posse/mail-core"]!;
      expect(range).not.toMatch(/^workspace:/);
      for (const version of ["0.1.0", "0.2.0", "0.9.3"])
        expect(satisfies(version, range), version).toBe(true);
      for (const version of ["0.0.9", "1.0.0"]) expect(satisfies(version, range), version).toBe(false);
    },
  );

  it("the repository has an MIT LICENSE held by the posse-mail contributors, as every package.json says", () => {
    const licence = join(ROOT, "LICENSE");
    expect(existsSync(licence)).toBe(true);
    const text = readFileSync(licence, "utf8");
    expect(text).toMatch(/^MIT License/);
    expect(text).toContain("posse-mail contributors");
    for (const { manifest } of PUBLISHED) expect(manifest.license, manifest.name).toBe("MIT");
  });
});
