// The same script as CommonJS: no top-level await, so a lost wait ends it with status 0.
const { createMailerFromEnv } = require("@posse/mail-core");

createMailerFromEnv({
  config: { postmark: { endpoint: process.env.STUB_URL } },
  retry: { baseDelayMs: 200, maxDelayMs: 200 },
  random: () => 0.95,
})
  .then((mailer) => mailer.send({ to: "ann@example.com", subject: "Hello", text: "Hi Ann" }))
  .then(
    (receipt) => console.log(`SENT ${receipt.messageId}`),
    (error) => {
      console.log(`FAILED ${error.code}`);
      process.exitCode = 1;
    },
  );
