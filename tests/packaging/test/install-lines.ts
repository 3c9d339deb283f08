// The install lines of a document: each line of a shell block that starts with `npm install` (or `npm i`,
// `npm init`, `npm pkg`), split at `&&` into npm commands, to be run in order in a new app exactly as written,
// except that a package of this repository (not on the registry) is installed from its packed tarball.
import type { MarkdownDocument } from "./documents.js";

const SHELL_LANGS = new Set(["sh", "bash", "shell", "console"]);
/** The npm commands an install line may chain: what sets up an app and installs into it. */
const APP_COMMANDS = new Set(["install", "i", "add", "init", "pkg"]);

/** One install line as the document shows it, and the npm commands it runs. */
export interface InstallLine {
  /** The line as written (a trailing `# comment` left out). */
  readonly text: string;
  /** Its line number in the document. */
  readonly line: number;
  /** The arguments of each `npm` command of the line, in order (`npm` itself left out). */
  readonly commands: readonly (readonly string[])[];
}

/** A shell line without its prompt and trailing comment. */
function commandText(line: string): string {
  return line
    .trim()
    .replace(/^\$\s+/, "")
    .replace(/\s+#.*$/, "")
    .trim();
}

/** Splits one command into words; quotes are removed, not interpreted further. */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(
    (match) => match[1] ?? match[2] ?? match[3]!,
  );
}

/** The install lines of a document's shell blocks (those without a not-checked marker), in order. */
export function installLines(document: MarkdownDocument): InstallLine[] {
  const found: InstallLine[] = [];
  for (const block of document.blocks) {
    if (!SHELL_LANGS.has(block.lang) || block.notChecked !== undefined) continue;
    for (const [offset, raw] of block.code.split("\n").entries()) {
      const text = commandText(raw);
      const [first = "", second = ""] = words(text);
      if (first !== "npm" || !APP_COMMANDS.has(second)) continue;
      const line = block.line + offset;
      const commands = text.split("&&").map((part) => {
        const [npm, sub = "", ...rest] = words(part);
        if (npm !== "npm" || !APP_COMMANDS.has(sub)) {
          throw new Error(
            `${document.path}:${line}: "${part.trim()}" is not an npm command that sets up an app`,
          );
        }
        return [sub, ...rest];
      });
      found.push({ text, line, commands });
    }
  }
  return found;
}

/** The package name of an install argument (`@scope/name@range` or `name@range`), or undefined for a flag. */
export function packageName(argument: string): string | undefined {
  if (argument.startsWith("-")) return undefined;
  const at = argument.indexOf("@", 1);
  return at === -1 ? argument : argument.slice(0, at);
}

/**
 * The command's arguments with every package of this repository replaced by its tarball. Throws for a
 * name in the repository's scopes that is none of its packages (a typo, or a placeholder like
 * `@posse/mail-<provider>`, which no shell can run as written).
 */
export function withTarballs(args: readonly string[], tarballs: ReadonlyMap<string, string>): string[] {
  return args.map((argument) => {
    const name = packageName(argument);
    if (name === undefined || !/^@posse(-examples)?\//.test(name)) return argument;
    const tarball = tarballs.get(name);
    if (!tarball) throw new Error(`${argument} is not a package of this repository`);
    return tarball;
  });
}

/**
 * The app's package.json `overrides` that stand in for the registry: every package of this repository
 * resolves to its tarball wherever npm meets it (a peer it installs by itself, say), except those the command
 * names or the app already depends on directly (npm refuses an override that differs from a direct spec).
 */
export function registryOverrides(
  args: readonly string[],
  direct: readonly string[],
  tarballs: ReadonlyMap<string, string>,
): Record<string, string> {
  const named = new Set([...args.map(packageName), ...direct]);
  const overrides: Record<string, string> = {};
  for (const [name, tarball] of tarballs) if (!named.has(name)) overrides[name] = `file:${tarball}`;
  return overrides;
}
