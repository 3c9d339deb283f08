import { defineConfig } from "tsup";

/**
 * The library, its suppression store and the webhook replay store (ESM + CJS + declarations), and the CLI
 * modules that bin/posse-mail-worker.js, bin/posse-mail-queue.js and bin/posse-mail-suppression.js run.
 */
export default defineConfig({
  entry: [
    "src/index.ts",
    "src/suppression.ts",
    "src/replay-store.ts",
    "src/cli.ts",
    "src/queue-cli.ts",
    "src/suppression-cli.ts",
  ],
  format: ["esm", "cjs"],
  dts: { entry: ["src/index.ts", "src/suppression.ts", "src/replay-store.ts"] },
  clean: true,
  sourcemap: true,
  target: "node22",
});
