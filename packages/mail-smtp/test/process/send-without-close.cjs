// The CommonJS twin of send-without-close.mjs.
const { createMailer } = require("@posse/mail-core");
const { smtpProvider } = require("../../dist/index.cjs");

(async () => {
  const mailer = await createMailer({
    from: "app@example.com",
    providers: {
      definition: smtpProvider,
      config: { host: "127.0.0.1", port: Number(process.env.SMTP_PORT), startTls: false },
    },
    timeoutMs: 120_000,
  });
  const { messageId } = await mailer.send({ to: "ann@example.com", subject: "Hi", text: "Hi" });
  console.log(`SENT ${messageId}`);
})();
