// Type-checks the ```ts blocks of the documents in an app where the packed packages are installed: each
// block is one ES module (top-level await allowed) under the settings `tsc --init` writes, with the app's
// own names from fixtures/app-stand-ins.d.ts. Errors are reported at the document's line.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MarkdownDocument } from "./documents.js";
import { cleanEnv, run } from "./run.js";
import { ROOT } from "./workspace-packages.js";

/** A ```ts block to check. */
export interface Snippet {
  readonly document: string;
  /** The document's line of the block's first line. */
  readonly line: number;
  readonly code: string;
}

/** A block left out with `<!-- not-checked: reason -->`. */
export interface SkippedSnippet {
  readonly document: string;
  readonly line: number;
  readonly reason: string;
}

const TS_LANGS = new Set(["ts", "typescript", "mts"]);
const STAND_INS = join(ROOT, "tests", "packaging", "fixtures", "app-stand-ins.d.ts");

/** The documents' TypeScript blocks: those to check, and those a marker leaves out. */
export function tsSnippets(documents: readonly MarkdownDocument[]): {
  checked: Snippet[];
  skipped: SkippedSnippet[];
} {
  const checked: Snippet[] = [];
  const skipped: SkippedSnippet[] = [];
  for (const { path, blocks } of documents) {
    for (const block of blocks) {
      if (!TS_LANGS.has(block.lang)) continue;
      if (block.notChecked === undefined)
        checked.push({ document: path, line: block.line, code: block.code });
      else skipped.push({ document: path, line: block.line, reason: block.notChecked });
    }
  }
  return { checked, skipped };
}

/** The compiler options `tsc --init` (TypeScript 5.9) writes, with Node's types and no output. */
const COMPILER_OPTIONS = {
  module: "nodenext",
  target: "esnext",
  types: ["node"],
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  strict: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  noUncheckedSideEffectImports: true,
  moduleDetection: "force",
  skipLibCheck: true,
  noEmit: true,
};

/**
 * Writes the snippets as `snippets/<n>.mts` files of the app in `dir`, with the stand-ins and a tsconfig,
 * runs the workspace's TypeScript on them, and returns its errors as `document:line:column: message`.
 */
export async function typeCheckSnippets(dir: string, snippets: readonly Snippet[]): Promise<string[]> {
  const folder = join(dir, "snippets");
  mkdirSync(folder, { recursive: true });
  copyFileSync(STAND_INS, join(folder, "app-stand-ins.d.ts"));
  const files = snippets.map((snippet, index) => {
    const file = `snippets/${String(index + 1).padStart(3, "0")}.mts`;
    writeFileSync(join(dir, file), `${snippet.code}\n`);
    return file;
  });
  const tsconfig = { compilerOptions: COMPILER_OPTIONS, files: ["snippets/app-stand-ins.d.ts", ...files] };
  writeFileSync(join(dir, "tsconfig.snippets.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const result = await run(process.execPath, [tsc, "-p", "tsconfig.snippets.json", "--pretty", "false"], {
    cwd: dir,
    env: cleanEnv(),
    timeoutMs: 120_000,
  });
  if (result.code === 0) return [];
  const errors = `${result.stdout}${result.stderr}`.split("\n").filter((line) => line.trim() !== "");
  return errors.map((error) => {
    const at = /^snippets\/(\d+)\.mts\((\d+),(\d+)\): (.*)$/.exec(error);
    if (!at) return error;
    const snippet = snippets[Number(at[1]) - 1]!;
    return `${snippet.document}:${snippet.line + Number(at[2]) - 1}:${at[3]}: ${at[4]}`;
  });
}
