// The documents a user reads (every README.md in the repository and every docs/**/*.md) and their fenced
// code blocks. A block is left out of the checks only when the line right above its fence (blank lines
// aside) is `<!-- not-checked: <reason> -->`.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "./workspace-packages.js";

/** One fenced code block of a document. */
export interface CodeBlock {
  /** The fence's language, lower case (`ts`, `sh`, …); empty when it has none. */
  readonly lang: string;
  readonly code: string;
  /** The document's line number (1-based) of the block's first line of code. */
  readonly line: number;
  /** The reason given by a `<!-- not-checked: … -->` marker above the fence, if there is one. */
  readonly notChecked?: string;
}

/** A document and its code blocks. */
export interface MarkdownDocument {
  /** Its path from the repository root, with forward slashes. */
  readonly path: string;
  readonly blocks: readonly CodeBlock[];
}

/** Directories that hold no documents of ours: dependencies, build output, tool state. */
const SKIPPED_DIRS = new Set(["node_modules", "dist", "coverage", "test-results"]);

function markdownFiles(dir: string, keep: (name: string) => boolean, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith(".")) {
        markdownFiles(join(dir, entry.name), keep, found);
      }
    } else if (keep(entry.name)) {
      found.push(join(dir, entry.name));
    }
  }
  return found;
}

/** Every README.md of the repository and every Markdown file under docs/, sorted by path. */
export function documentPaths(root = ROOT): string[] {
  const readmes = markdownFiles(root, (name) => name === "README.md");
  const docs = existsSync(join(root, "docs"))
    ? markdownFiles(join(root, "docs"), (n) => n.endsWith(".md"))
    : [];
  const paths = new Set([...readmes, ...docs].map((path) => relative(root, path).split("\\").join("/")));
  return [...paths].sort();
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;
const MARKER = /^<!--\s*not-checked:\s*(.*?)\s*-->$/;

/** The fenced code blocks of `markdown`, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split("\n");
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent = "", fence = "", lang = ""] = open;
    const body: string[] = [];
    let j = i + 1;
    const closes = (line: string) => line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, "") === "";
    for (; j < lines.length && !closes(lines[j]!); j++) {
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!.trimStart());
    }
    let above = i - 1;
    while (above >= 0 && lines[above]!.trim() === "") above--;
    const marker = above >= 0 ? MARKER.exec(lines[above]!.trim()) : null;
    blocks.push({
      lang: lang.toLowerCase(),
      code: body.join("\n"),
      line: i + 2,
      ...(marker ? { notChecked: marker[1]! } : {}),
    });
    i = j;
  }
  return blocks;
}

/** Reads a document (path from the repository root) and its code blocks. */
export function readDocument(path: string, root = ROOT): MarkdownDocument {
  return { path, blocks: codeBlocks(readFileSync(join(root, path), "utf8")) };
}
