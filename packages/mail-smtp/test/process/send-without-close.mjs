// Sends one message through the SMTP provider and never calls close(): the process must still exit
// as soon as the send is done, although the pool keeps the connection open for reuse.
import { createMailer } from "@posse/mail-core";
import { smtpProvider } from "../../dist/index.js";

const mailer = await createMailer({
  from: "app@example.com",
  providers: {
    definition: smtpProvider,
    config: { host: "127.0.0.1", port: Number(process.env.SMTP_PORT), startTls: false },
  },
  // Far longer than the test waits: a pooled socket that held the process would show.
  timeoutMs: 120_000,
});
const { messageId } = await mailer.send({ to: "ann@example.com", subject: "Hi", text: "Hi" });
console.log(`SENT ${messageId}`);
