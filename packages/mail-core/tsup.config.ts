import { readFileSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import type { Plugin } from "esbuild";
import { defineConfig } from "tsup";

const SRC = resolve("src");
const TESTING = resolve(SRC, "testing") + sep;
const CORE = resolve(SRC, "core.ts");
/** The two surfaces: an application's (`.`) and a provider author's (`./provider`). */
const SURFACES = new Set([resolve(SRC, "index.ts"), resolve(SRC, "provider.ts")]);
const NEUTRAL_CORE = resolve(SRC, "neutral-core.ts");
/** The surface with no Node built-in below it (`./webhooks`): it re-exports from `dist/neutral-core`. */
const WEBHOOKS = resolve(SRC, "webhooks", "index.ts");
/** The modules `src/neutral-core.ts` lists: built once, into `dist/neutral-core`, and nowhere else. */
const NEUTRAL = new Set(
  [...readFileSync(NEUTRAL_CORE, "utf8").matchAll(/^export \* from "(\.\/[^"]+)\.js";$/gm)].map(([, path]) =>
    resolve(SRC, `${path}.ts`),
  ),
);

/** `import … from "<the built module>"` as written in the output of `importer` (dist mirrors src). */
function builtPath(importer: string, module: string, extension: string) {
  let path = relative(dirname(importer), resolve(SRC, module)).split(sep).join("/");
  if (!path.startsWith(".")) path = `./${path}`;
  return { path: `${path}${extension}`, external: true };
}

/** A build error for a neutral module (or the webhooks surface) that reaches a module outside the list. */
function notNeutral(importer: string, target: string) {
  const name = (file: string) => relative(SRC, file).split(sep).join("/");
  return {
    errors: [
      {
        text: `${name(importer)} imports ${name(target)}, which src/neutral-core.ts does not list: list it there if it needs no Node built-in, else import it elsewhere`,
      },
    ],
  };
}

/**
 * The whole core is one built module, `dist/core`: every class and the provider registry exist once.
 * The entries bundle none of it: `index` (the application's API) and `provider` (the provider author's)
 * re-export their names from it, and `testing/index` imports it too, bundling only the testing kit's own
 * files (same classes, same registry, ESM and CommonJS alike). An application's import reads three files (with dist/neutral-core below).
 * `src/core.ts` re-exports both surfaces; the surfaces it reaches are loaded in a namespace of their own,
 * so that there they are bundled rather than pointed back at `dist/core`.
 * The modules `src/neutral-core.ts` lists (no Node built-in below them) are the one exception: built once
 * into `dist/neutral-core`, which `dist/core` imports rather than bundles, and which `webhooks/index` (the
 * runtime-neutral surface) re-exports from without loading `dist/core` at all.
 */
const shareOneCore: Plugin = {
  name: "share-one-core",
  setup(build) {
    const extension = build.initialOptions.format === "cjs" ? ".cjs" : ".js";
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path).replace(/\.js$/, ".ts");
      if (args.importer === CORE) {
        if (NEUTRAL.has(target)) return builtPath(CORE, "neutral-core", extension);
        return { path: target, namespace: "core-surface" };
      }
      if (args.importer === NEUTRAL_CORE || NEUTRAL.has(args.importer)) {
        return NEUTRAL.has(target) ? undefined : notNeutral(args.importer, target);
      }
      if (args.importer === WEBHOOKS) {
        return NEUTRAL.has(target)
          ? builtPath(WEBHOOKS, "neutral-core", extension)
          : notNeutral(WEBHOOKS, target);
      }
      const inCoreBundle =
        args.namespace !== "file" || (!SURFACES.has(args.importer) && !args.importer.startsWith(TESTING));
      // dist/core.js sits at the root of dist, whichever source module the import is written in.
      if (inCoreBundle) return NEUTRAL.has(target) ? builtPath(CORE, "neutral-core", extension) : undefined;
      if (target.startsWith(TESTING)) return undefined;
      return builtPath(args.importer, "core", extension);
    });
    build.onLoad({ filter: /./, namespace: "core-surface" }, (args) => ({
      contents: readFileSync(args.path, "utf8"),
      loader: "ts",
      resolveDir: dirname(args.path),
    }));
  },
};

const ENTRIES = {
  index: "src/index.ts",
  provider: "src/provider.ts",
  "testing/index": "src/testing/index.ts",
  "webhooks/index": "src/webhooks/index.ts",
};

export default defineConfig({
  entry: { ...ENTRIES, core: "src/core.ts", "neutral-core": "src/neutral-core.ts" },
  format: ["esm", "cjs"],
  dts: { entry: ENTRIES },
  clean: true,
  sourcemap: true,
  target: "node22",
  splitting: false,
  esbuildPlugins: [shareOneCore],
});
