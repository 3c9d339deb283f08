import { defineConfig } from "tsup";

/** The library (ESM + CJS + declarations) and the CLI modules that bin/posse-mail-worker.js and bin/posse-mail-queue.js run. */
export default defineConfig({
  entry: ["src/index.ts", "src/cli.ts", "src/queue-cli.ts"],
  format: ["esm", "cjs"],
  dts: { entry: "src/index.ts" },
  clean: true,
  sourcemap: true,
  target: "node20",
});
