import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Live tests reach the real vendor: only `npm run test:live` (the root's vitest.live.config.mts) runs them.
    exclude: [...configDefaults.exclude, "test/**/*.live.test.ts"],
    // Nearly every test here holds a real SMTP session with a server it starts on 127.0.0.1 (TLS handshakes,
    // mailparser reading the message back) or runs a Node process; the first one in a file also loads
    // nodemailer. A few hundred ms each alone, but the first STARTTLS send took 7.4 s on a busy 2-core
    // machine, over vitest's 5 s default. Nothing here asserts on time.
    testTimeout: 30_000,
  },
});
