// scripts/check-changesets.mjs (run by .ci/run) in throwaway git repositories: a changed published package
// without a changeset fails CI, with one it passes, and the base it compares with is found in a fresh clone.
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.com",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.com",
};
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8" }).trim();
}

function write(repo: string, path: string, text: string): void {
  mkdirSync(join(repo, path, ".."), { recursive: true });
  writeFileSync(join(repo, path), text);
}

/** A workspace with a published package, a private one, our changesets config and the script. */
function createRepo(): string {
  const repo = mkdtempSync(join(tmpdir(), "posse-changeset-check-"));
  dirs.push(repo);
  write(repo, "package.json", JSON.stringify({ name: "root", private: true }));
  write(repo, "pnpm-workspace.yaml", "packages:\n  - packages/*\n");
  write(repo, ".gitignore", "node_modules\n");
  write(repo, "packages/a/package.json", JSON.stringify({ name: "@t/a", version: "0.1.0" }));
  write(repo, "packages/a/src/index.ts", "export const a = 1;\n");
  write(repo, "packages/b/package.json", JSON.stringify({ name: "@t/b", version: "0.0.0", private: true }));
  write(repo, "packages/b/src/index.ts", "export const b = 1;\n");
  cpSync(join(ROOT, ".changeset", "config.json"), join(repo, ".changeset", "config.json"));
  cpSync(join(ROOT, "scripts", "check-changesets.mjs"), join(repo, "scripts", "check-changesets.mjs"));
  symlinkSync(join(ROOT, "node_modules"), join(repo, "node_modules"));
  git(repo, "init", "-q", "-b", "main");
  git(repo, "add", ".");
  git(repo, "commit", "-qm", "first");
  return repo;
}

function commitAll(repo: string, message: string): void {
  git(repo, "add", ".");
  git(repo, "commit", "-qm", message);
}

function check(repo: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ["scripts/check-changesets.mjs"], {
    cwd: repo,
    env: { ...GIT_ENV, ...env },
    encoding: "utf8",
  });
  return { code: result.status, output: result.stdout + result.stderr };
}

describe("check-changesets", () => {
  it("before any release, compares with the first commit and fails for a changed package without a changeset", () => {
    const repo = createRepo();
    expect(check(repo)).toMatchObject({ code: 0, output: expect.stringContaining("the first commit") });
    appendFileSync(join(repo, "packages/a/src/index.ts"), "export const more = 2;\n");
    commitAll(repo, "change a");
    const failed = check(repo);
    expect(failed.code).toBe(1);
    expect(failed.output).toContain("no changesets were found");
  });

  it("flags the package a changeset leaves out, even when another package has one", () => {
    const repo = createRepo();
    write(repo, "packages/c/package.json", JSON.stringify({ name: "@t/c", version: "0.1.0" }));
    commitAll(repo, "add c");
    write(repo, ".changeset/c.md", '---\n"@t/c": patch\n---\n\nC.\n');
    appendFileSync(join(repo, "packages/a/src/index.ts"), "export const more = 2;\n");
    commitAll(repo, "change a and c, changeset for c only");
    const failed = check(repo);
    expect(failed.code).toBe(1);
    expect(failed.output).toContain("@t/a: packages/a/src/index.ts");
    expect(failed.output).not.toContain("@t/c:");

    write(repo, ".changeset/a.md", '---\n"@t/a": minor\n---\n\nA.\n');
    commitAll(repo, "changeset for a");
    expect(check(repo)).toMatchObject({ code: 0 });
  });

  it("needs no changeset for tests or private packages", () => {
    const repo = createRepo();
    write(repo, "packages/a/test/a.test.ts", "// a test\n");
    appendFileSync(join(repo, "packages/b/src/index.ts"), "export const more = 2;\n");
    commitAll(repo, "tests and a private package");
    expect(check(repo)).toMatchObject({ code: 0 });
  });

  it("after a release (the commit that wrote a CHANGELOG.md), compares with that commit", () => {
    const repo = createRepo();
    appendFileSync(join(repo, "packages/a/src/index.ts"), "export const more = 2;\n");
    write(repo, "packages/a/CHANGELOG.md", "# @t/a\n\n## 0.2.0\n");
    commitAll(repo, "Version packages");
    const release = git(repo, "rev-parse", "HEAD");
    expect(check(repo)).toMatchObject({ code: 0, output: expect.stringContaining(release) });
    appendFileSync(join(repo, "packages/a/src/index.ts"), "export const after = 3;\n");
    commitAll(repo, "change after the release");
    expect(check(repo).code).toBe(1);
  });

  it("CHANGESET_BASE overrides the base, and a shallow clone skips with a message", () => {
    const repo = createRepo();
    appendFileSync(join(repo, "packages/a/src/index.ts"), "export const more = 2;\n");
    commitAll(repo, "change a");
    expect(check(repo, { CHANGESET_BASE: "HEAD" })).toMatchObject({ code: 0 });

    const clone = mkdtempSync(join(tmpdir(), "posse-changeset-clone-"));
    dirs.push(clone);
    git(clone, "clone", "-q", "--depth", "1", `file://${repo}`, "repo");
    symlinkSync(join(ROOT, "node_modules"), join(clone, "repo", "node_modules"));
    const shallow = check(join(clone, "repo"));
    expect(shallow).toMatchObject({ code: 0, output: expect.stringContaining("shallow clone") });
    expect(shallow.output).toContain("Skipped");
  });
});
