import { defineConfig } from "tsup";

/** The library and its suppression store (ESM + CJS + declarations), and the CLI module that bin/posse-mail-worker.js runs. */
export default defineConfig({
  entry: ["src/index.ts", "src/suppression.ts", "src/cli.ts"],
  format: ["esm", "cjs"],
  dts: { entry: ["src/index.ts", "src/suppression.ts"] },
  clean: true,
  sourcemap: true,
  target: "node20",
});
