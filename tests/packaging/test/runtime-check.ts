// The script each runtime (Node, Bun, Deno) runs in the scratch app: a mailer from the environment per
// provider, one send to the loopback stub (or the SMTP sink), and each signed sample through core's handler
// around the vendor's webhook. It prints what happened as JSON: a receipt's id, or the error a user would see.
export const RUNTIME_CHECK = `import { readFileSync } from "node:fs";
import process from "node:process";
import { createMailerFromEnv, createWebhookHandler } from "@posse/mail-core";
import { sesWebhook } from "@posse/mail-amazon-ses/webhooks";
import { brevoWebhook } from "@posse/mail-brevo/webhooks";
import { mailgunWebhook } from "@posse/mail-mailgun/webhooks";
import { mailjetWebhook } from "@posse/mail-mailjet/webhooks";
import { postmarkWebhook } from "@posse/mail-postmark/webhooks";
import { resendWebhook } from "@posse/mail-resend/webhooks";
import { sendgridWebhook } from "@posse/mail-sendgrid/webhooks";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const failure = (error) => ({ error: \`\${error?.code ?? error?.name}: \${error?.message}\` });

const sends = {};
for (const setup of job.sends) {
  const env = { MAIL_PROVIDER: setup.id, MAIL_FROM_ADDRESS: "possy@example.com", MAIL_RETRY_ATTEMPTS: "1", ...setup.env };
  const config = setup.endpoint === undefined ? undefined : { [setup.id]: { endpoint: setup.endpoint } };
  try {
    const mailer = await createMailerFromEnv({ env, config });
    try {
      const receipt = await mailer.send({ to: "ann@example.com", subject: "runtime check", text: "Hello" });
      sends[setup.id] = { messageId: receipt.messageId };
    } finally {
      await mailer.close();
    }
  } catch (error) {
    sends[setup.id] = failure(error);
  }
}

const WEBHOOKS = {
  "amazon-ses": (o) =>
    sesWebhook({
      topicArns: o.topicArns,
      env: {},
      fetch: async (url) => (String(url) === o.certificateUrl ? new Response(o.certificate) : new Response("", { status: 404 })),
    }),
  brevo: (o) => brevoWebhook({ ...o, env: {} }),
  mailgun: (o) => mailgunWebhook({ ...o, env: {} }),
  mailjet: (o) => mailjetWebhook({ ...o, env: {} }),
  postmark: (o) => postmarkWebhook({ ...o, env: {} }),
  resend: (o) => resendWebhook({ ...o, env: {} }),
  sendgrid: (o) => sendgridWebhook({ ...o, env: {} }),
};
const webhooks = {};
for (const sample of job.webhooks) {
  try {
    const received = [];
    const handler = createWebhookHandler(WEBHOOKS[sample.vendor](sample.options), {
      onEvents: (events) => void received.push(...events.map((event) => \`\${event.type} \${event.messageId}\`)),
    });
    const post = (headers, body) => handler(new Request("http://127.0.0.1/webhooks", { method: "POST", headers, body }));
    const authentic = await post(sample.headers, sample.body);
    // A forger's post: the recipient changed after signing, and any credentials replaced by wrong ones.
    const scheme = sample.headers.authorization?.split(" ")[0];
    const forgedHeaders = scheme ? { ...sample.headers, authorization: \`\${scheme} d3Jvbmc6d3Jvbmc=\` } : sample.headers;
    const forged = await post(forgedHeaders, sample.body.replace("ann@example.com", "eve@example.com"));
    webhooks[sample.vendor] = { authentic: authentic.status, forged: forged.status, events: received };
  } catch (error) {
    webhooks[sample.vendor] = failure(error);
  }
}
const runtime = globalThis.Deno ? \`deno \${Deno.version.deno}\` : process.versions.bun ? \`bun \${process.versions.bun}\` : \`node \${process.versions.node}\`;
console.log(JSON.stringify({ runtime, sends, webhooks }));
`;
