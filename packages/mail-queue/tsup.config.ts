import { defineConfig } from "tsup";

/**
 * The library and its suppression store (ESM + CJS + declarations), and the CLI modules that
 * bin/posse-mail-worker.js, bin/posse-mail-queue.js and bin/posse-mail-suppression.js run.
 */
export default defineConfig({
  entry: ["src/index.ts", "src/suppression.ts", "src/cli.ts", "src/queue-cli.ts", "src/suppression-cli.ts"],
  format: ["esm", "cjs"],
  dts: { entry: ["src/index.ts", "src/suppression.ts"] },
  clean: true,
  sourcemap: true,
  target: "node20",
});
