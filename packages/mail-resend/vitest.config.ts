import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Live tests reach the real vendor: only `npm run test:live` (the root's vitest.live.config.mts) runs them.
    exclude: [...configDefaults.exclude, "test/**/*.live.test.ts"],
    // The first mailer in each file loads the vendor's SDK (up to a quarter second of CPU alone), and many
    // tests answer from real loopback servers or start Node processes (the conformance suite, the lazy-SDK
    // checks): up to 3 s for one test seen at load 20 on a 2-core machine, too close to vitest's 5 s
    // default. Nothing here asserts on time.
    testTimeout: 30_000,
  },
});
