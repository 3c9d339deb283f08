// Core's modules form no import circle: every relative import of src/**/*.ts (type-only ones too, since
// a circle of types still ties the modules' meaning together) is walked, and any path that comes back to
// where it started fails with the modules on it.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src", import.meta.url));
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)"(\.\.?\/[^"]+)"/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Each module (relative to src) and the modules it imports. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(SPECIFIER)].map((match) =>
      relative(SRC, resolve(dirname(file), match[1]!.replace(/\.js$/, ".ts"))),
    );
    graph.set(relative(SRC, file), [...new Set(targets)]);
  }
  return graph;
}

/** Every import circle, each as the modules on it, first one repeated at the end. */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (module: string) => {
    state.set(module, "open");
    path.push(module);
    for (const target of graph.get(module) ?? []) {
      if (state.get(target) === "open") found.push([...path.slice(path.indexOf(target)), target]);
      else if (!state.has(target)) visit(target);
    }
    path.pop();
    state.set(module, "done");
  };
  for (const module of [...graph.keys()].sort()) if (!state.has(module)) visit(module);
  return found;
}

describe("core's import graph", () => {
  const graph = importGraph(sourceFiles(SRC));

  it("resolves every relative import to a module of src", () => {
    const missing = [...graph].flatMap(([module, targets]) =>
      targets.filter((target) => !graph.has(target)).map((target) => `${module} → ${target}`),
    );
    expect(missing).toEqual([]);
  });

  it("has no import circle", () => {
    expect(circles(graph).map((circle) => circle.join(" → "))).toEqual([]);
  });

  it("finds a circle when there is one (the check itself works)", () => {
    const graphWithCircle = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    expect(circles(graphWithCircle)).toEqual([["a.ts", "b.ts", "c.ts", "a.ts"]]);
  });
});
