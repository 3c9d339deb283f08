import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Packing, one npm install of every tarball, and child processes: minutes, not seconds.
    hookTimeout: 240_000,
    testTimeout: 120_000,
    maxConcurrency: 3,
  },
});
