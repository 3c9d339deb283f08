// @posse/mail-core/webhooks: built as a user gets it, the entry and every file it loads import nothing but
// each other (no `node:` built-in, no package, not dist/core), so a Worker bundle of it holds no Node module;
// and its classes and functions are the very objects the main and provider entries export.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const DIST = fileURLToPath(new URL("../dist/", import.meta.url));

/** Every module specifier a built file names: static and dynamic imports, re-exports and requires. */
function specifiers(file: string): string[] {
  const code = readFileSync(file, "utf8");
  const patterns = [
    /\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[1]!));
}

/** The files `entry` loads, itself included, relative to dist; throws on any other specifier. */
function loadedFiles(entry: string): { files: string[]; outside: string[] } {
  const files = new Set<string>();
  const outside: string[] = [];
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of specifiers(file)) {
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier));
      else outside.push(`${relative(DIST, file)}: ${specifier}`);
    }
  };
  visit(resolve(DIST, entry));
  return { files: [...files].map((file) => relative(DIST, file)).sort(), outside };
}

describe("@posse/mail-core/webhooks, as built", () => {
  it.each([
    ["ESM", "webhooks/index.js", "neutral-core.js"],
    ["CommonJS", "webhooks/index.cjs", "neutral-core.cjs"],
  ])("%s: loads only itself and the neutral core, which import nothing", (_, entry, shared) => {
    expect(loadedFiles(entry)).toEqual({ files: [shared, entry].sort(), outside: [] });
  });

  it("the core's other entries load the same neutral core rather than a copy of it", () => {
    expect(loadedFiles("index.js").files).toContain("neutral-core.js");
    expect(readFileSync(resolve(DIST, "core.js"), "utf8")).not.toMatch(/class WebhookError|class MailError/);
  });
});

describe.each([
  [
    "ESM",
    () => import("../dist/webhooks/index.js"),
    () => import("../dist/index.js"),
    () => import("../dist/provider.js"),
  ],
  [
    "CommonJS",
    async () => createRequire(import.meta.url)("../dist/webhooks/index.cjs"),
    async () => createRequire(import.meta.url)("../dist/index.cjs"),
    async () => createRequire(import.meta.url)("../dist/provider.cjs"),
  ],
])("@posse/mail-core/webhooks (%s)", (_, loadWebhooks, loadMain, loadProvider) => {
  it("exports the same objects as the main and provider entries, where they export one", async () => {
    const webhooks = (await loadWebhooks()) as Record<string, unknown>;
    const others = [
      (await loadMain()) as Record<string, unknown>,
      (await loadProvider()) as Record<string, unknown>,
    ];
    const unmatched = Object.keys(webhooks).filter((name) => others.every((entry) => !(name in entry)));
    expect(unmatched).toEqual([]);
    for (const entry of others) {
      for (const name of Object.keys(webhooks).filter((name) => name in entry)) {
        expect(webhooks[name], name).toBe(entry[name]);
      }
    }
  });

  it("a MailError thrown through it is a MailError of the main entry", async () => {
    const webhooks = (await loadWebhooks()) as typeof import("../src/webhooks/index.js");
    const main = (await loadMain()) as typeof import("../src/index.js");
    const thrown = (() => {
      try {
        webhooks.createWebhookHandler({ provider: "probe", parse: () => [] }, {} as never);
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(main.MailError);
    expect(thrown).toMatchObject({ code: "CONFIG", field: "onEvents" });
  });
});
