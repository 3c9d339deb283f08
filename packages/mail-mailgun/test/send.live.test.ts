// Sends one real message through the vendor: run by `npm run test:live` from the repository root, never by
// `npm test` (vitest.config.ts excludes *.live.test.ts). Skipped, naming the variables, when they are not set.
import { describeLiveSend } from "@posse/mail-testkit";
import { mailgunProvider } from "../src/index.js";

describeLiveSend(mailgunProvider);
