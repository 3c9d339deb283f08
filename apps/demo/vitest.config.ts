import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Generous bounds for starting Chromium and child processes on a busy CI machine; nothing sleeps.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
