// SMTP, raw nodemailer against posse-mail, side by side: `node smtp-send.mjs <smtp port> <count port>`.
// Pooled posse-mail against pooled raw nodemailer (same pool size, 8 sends in flight), and one connection
// per message (nodemailer without a pool) for scale. Prints one JSON line.
import { createMailer } from "@posse/mail-core";
import { smtpProvider } from "@posse/mail-smtp";
import { FROM, importSdk, QUICK, SUBJECT, sideBySide, TEXT, TO } from "./lib/shared.mjs";

const [port, countPort] = process.argv.slice(2).map(Number);
const { default: nodemailer } = await importSdk("smtp", "nodemailer");
const message = { from: FROM, to: TO, subject: SUBJECT, text: TEXT };
const base = { host: "127.0.0.1", port, secure: false, ignoreTLS: true };
const pooled = nodemailer.createTransport({ ...base, pool: true, maxConnections: 5 });
const single = nodemailer.createTransport(base);
const mailer = await createMailer({
  from: FROM,
  providers: {
    definition: smtpProvider,
    config: { host: "127.0.0.1", port, startTls: false, maxConnections: 5 },
  },
});
const posse = async () => (await mailer.send({ to: TO, subject: SUBJECT, text: TEXT })).messageId;
const count = async () => (await fetch(`http://127.0.0.1:${countPort}/`)).json();

const before = await count();
const plan = QUICK
  ? { warmup: 40, pairs: 4, block: 40, inFlight: 8 }
  : { warmup: 200, pairs: 12, block: 200, inFlight: 8 };
const pool = await sideBySide(async () => (await pooled.sendMail(message)).messageId, posse, plan);
const perMessage = await sideBySide(
  async () => (await single.sendMail(message)).messageId,
  posse,
  QUICK ? { ...plan, pairs: 2 } : { ...plan, pairs: 4, block: 60 },
);
const after = await count();
pooled.close();
single.close();
await mailer.close();
process.stdout.write(
  `${JSON.stringify({
    pooled: { rawUs: pool.aUs, posseUs: pool.bUs, ratio: pool.pairRatio, cpuRatio: pool.cpuRatio },
    perMessage: { rawUs: perMessage.aUs, posseUs: perMessage.bUs, ratio: perMessage.pairRatio },
    sent: pool.calls + perMessage.calls,
    seen: after.accepted - before.accepted,
    bad: after.bad - before.bad,
  })}\n`,
);
