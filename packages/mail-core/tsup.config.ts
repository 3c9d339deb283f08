import { dirname, relative, resolve, sep } from "node:path";
import type { Plugin } from "esbuild";
import { defineConfig } from "tsup";

const SRC = resolve("src");
const TESTING = resolve(SRC, "testing") + sep;
const PROVIDER_ENTRY = resolve(SRC, "provider.ts");

/**
 * The main entry is one file holding the whole core: every extra chunk costs an application's cold start
 * a module resolution, read and compile. The `provider` and `testing` entries bundle none of the core and
 * import it from the built main entry instead (same classes, same registry, ESM and CommonJS alike); only
 * the testing kit's own files are bundled into `testing/index`.
 */
const importCoreFromMainEntry: Plugin = {
  name: "import-core-from-main-entry",
  setup(build) {
    const extension = build.initialOptions.format === "cjs" ? ".cjs" : ".js";
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.importer !== PROVIDER_ENTRY && !args.importer.startsWith(TESTING)) return undefined;
      if (resolve(args.resolveDir, args.path).startsWith(TESTING)) return undefined;
      let path = relative(dirname(args.importer), resolve(SRC, "index")).split(sep).join("/");
      if (!path.startsWith(".")) path = `./${path}`;
      return { path: `${path}${extension}`, external: true };
    });
  },
};

export default defineConfig({
  entry: { index: "src/index.ts", provider: "src/provider.ts", "testing/index": "src/testing/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  splitting: false,
  esbuildPlugins: [importCoreFromMainEntry],
});
