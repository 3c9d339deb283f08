import { readFileSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import type { Plugin } from "esbuild";
import { defineConfig } from "tsup";

const SRC = resolve("src");
const TESTING = resolve(SRC, "testing") + sep;
const CORE = resolve(SRC, "core.ts");
/** The two surfaces: an application's (`.`) and a provider author's (`./provider`). */
const SURFACES = new Set([resolve(SRC, "index.ts"), resolve(SRC, "provider.ts")]);

/**
 * The whole core is one built module, `dist/core`: every class and the provider registry exist once.
 * The entries bundle none of it: `index` (the application's API) and `provider` (the provider author's)
 * re-export their names from it, and `testing/index` imports it too, bundling only the testing kit's own
 * files (same classes, same registry, ESM and CommonJS alike). An application's import reads two files.
 * `src/core.ts` re-exports both surfaces; the surfaces it reaches are loaded in a namespace of their own,
 * so that there they are bundled rather than pointed back at `dist/core`.
 */
const shareOneCore: Plugin = {
  name: "share-one-core",
  setup(build) {
    const extension = build.initialOptions.format === "cjs" ? ".cjs" : ".js";
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path).replace(/\.js$/, ".ts");
      if (args.importer === CORE) return { path: target, namespace: "core-surface" };
      if (args.namespace !== "file") return undefined;
      if (!SURFACES.has(args.importer) && !args.importer.startsWith(TESTING)) return undefined;
      if (target.startsWith(TESTING)) return undefined;
      let path = relative(dirname(args.importer), resolve(SRC, "core")).split(sep).join("/");
      if (!path.startsWith(".")) path = `./${path}`;
      return { path: `${path}${extension}`, external: true };
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
};

export default defineConfig({
  entry: { ...ENTRIES, core: "src/core.ts" },
  format: ["esm", "cjs"],
  dts: { entry: ENTRIES },
  clean: true,
  sourcemap: true,
  target: "node20",
  splitting: false,
  esbuildPlugins: [shareOneCore],
});
