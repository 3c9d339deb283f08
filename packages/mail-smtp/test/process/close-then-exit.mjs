// Sends three messages at once, then awaits close(): the process exits with every connection closed.
import { createMailer } from "@posse/mail-core";
import { smtpProvider } from "../../dist/index.js";

const mailer = await createMailer({
  from: "app@example.com",
  providers: {
    definition: smtpProvider,
    config: { host: "127.0.0.1", port: Number(process.env.SMTP_PORT), startTls: false },
  },
  timeoutMs: 120_000,
});
const message = { to: "ann@example.com", subject: "Hi", text: "Hi" };
await Promise.all([mailer.send(message), mailer.send(message), mailer.send(message)]);
await mailer.close();
console.log(`CLOSED ${process.getActiveResourcesInfo().filter((name) => /TCP|TLS/.test(name)).length}`);
