// A short ESM script as a user writes it: build the mailer from the environment, await one send, end.
// It never calls process.exit, so only pending work keeps it alive.
import { createMailerFromEnv } from "@posse/mail-core";

const mailer = await createMailerFromEnv({
  config: { postmark: { endpoint: process.env.STUB_URL } },
  // Real waits, short but not zero: the wait between attempts is about 190 ms.
  retry: { baseDelayMs: 200, maxDelayMs: 200 },
  random: () => 0.95,
});
try {
  const receipt = await mailer.send({ to: "ann@example.com", subject: "Hello", text: "Hi Ann" });
  console.log(`SENT ${receipt.messageId}`);
} catch (error) {
  console.log(`FAILED ${error.code}`);
  process.exitCode = 1;
}
