import { defineConfig } from "vitest/config";

// `npm run test:live`: each provider's *.live.test.ts, which sends a real message when that vendor's
// variables, MAIL_FROM_ADDRESS and POSSE_LIVE_TO are set, and is listed as skipped (naming them) when not.
// Run after a build (`npm test` builds): the tests import the built @posse/mail-core.
export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.live.test.ts"],
    reporters: ["verbose"],
  },
});
