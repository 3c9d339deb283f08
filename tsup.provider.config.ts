import { existsSync } from "node:fs";
import { defineConfig } from "tsup";

/**
 * The build every provider package shares: its main entry and, when the package has one, its `webhooks`
 * subpath (`src/webhooks/index.ts` → `dist/webhooks/index.*`); ESM + CJS + declarations, for Node 20.
 * tsup runs in the package's directory, so the path is the package's own.
 */
export default defineConfig({
  entry: {
    index: "src/index.ts",
    ...(existsSync("src/webhooks/index.ts") && { "webhooks/index": "src/webhooks/index.ts" }),
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node22",
});
