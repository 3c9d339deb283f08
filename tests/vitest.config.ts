import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Every test here drives real processes, git repositories or servers; on a 2-core CI machine testing
    // every package at once, one took 5.5 s against vitest's 5 s default. Nothing here asserts on time.
    testTimeout: 30_000,
  },
});
