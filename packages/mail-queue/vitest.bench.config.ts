import { defineConfig } from "vitest/config";

/** `npm run bench`'s throughput comparison (bench/*.run.ts): long, so outside the test suite. */
export default defineConfig({
  test: {
    include: ["bench/**/*.run.ts"],
    testTimeout: 30 * 60_000,
    hookTimeout: 30_000,
  },
});
