// Each HTTP provider twice: its raw SDK as a user would set it up against the stub (through the SDK's own
// options), and a posse-mail mailer whose provider config points at the same stub. Both send the same
// message; `path` is the request the stub must see once per send.
import { FROM, importSdk, SUBJECT, TEXT, TO } from "./shared.mjs";

const KEY = "bench-key-0123456789";

/** The vendors: id, posse package, stub path, raw client factory, posse config. */
export const HTTP_VENDORS = [
  {
    id: "amazon_ses",
    pkg: "amazon-ses",
    sdk: "@aws-sdk/client-sesv2",
    path: "POST /v2/email/outbound-emails",
    async raw(url) {
      const { SESv2Client, SendEmailCommand } = await importSdk("amazon-ses", "@aws-sdk/client-sesv2");
      const client = new SESv2Client({
        region: "us-east-1",
        endpoint: url,
        credentials: { accessKeyId: "AKIABENCH", secretAccessKey: KEY },
        maxAttempts: 1,
      });
      return async () => {
        const result = await client.send(
          new SendEmailCommand({
            FromEmailAddress: FROM,
            Destination: { ToAddresses: [TO] },
            Content: { Simple: { Subject: { Data: SUBJECT }, Body: { Text: { Data: TEXT } } } },
          }),
        );
        return result.MessageId;
      };
    },
    config: (url) => ({ region: "us-east-1", accessKeyId: "AKIABENCH", secretAccessKey: KEY, endpoint: url }),
  },
  {
    id: "resend",
    pkg: "resend",
    sdk: "resend",
    path: "POST /emails",
    async raw(url) {
      const { Resend } = await importSdk("resend", "resend");
      const client = new Resend(`re_${KEY}`, { baseUrl: url });
      return async () => {
        const { data, error } = await client.emails.send({
          from: FROM,
          to: [TO],
          subject: SUBJECT,
          text: TEXT,
        });
        if (error) throw new Error(error.message);
        return data.id;
      };
    },
    config: (url) => ({ apiKey: `re_${KEY}`, endpoint: url }),
  },
  {
    id: "mailgun",
    pkg: "mailgun",
    sdk: "mailgun.js",
    sdks: ["mailgun.js", "form-data"],
    path: "POST /v3/mg.example.com/messages",
    async raw(url) {
      const [{ default: Mailgun }, { default: FormData }] = await Promise.all([
        importSdk("mailgun", "mailgun.js"),
        importSdk("mailgun", "form-data"),
      ]);
      const client = new Mailgun(FormData).client({ username: "api", key: KEY, url });
      return async () => {
        const result = await client.messages.create("mg.example.com", {
          from: FROM,
          to: [TO],
          subject: SUBJECT,
          text: TEXT,
        });
        return result.id;
      };
    },
    config: (url) => ({ apiKey: KEY, domain: "mg.example.com", endpoint: url }),
  },
  {
    id: "postmark",
    pkg: "postmark",
    sdk: "postmark",
    path: "POST /email",
    async raw(url) {
      const { ServerClient } = await importSdk("postmark", "postmark");
      const client = new ServerClient(KEY, { useHttps: false, requestHost: new URL(url).host });
      return async () => {
        const result = await client.sendEmail({ From: FROM, To: TO, Subject: SUBJECT, TextBody: TEXT });
        return result.MessageID;
      };
    },
    config: (url) => ({ serverToken: KEY, endpoint: url }),
  },
  {
    id: "sendgrid",
    pkg: "sendgrid",
    sdk: "@sendgrid/mail",
    path: "POST /v3/mail/send",
    async raw(url) {
      const { default: sdk } = await importSdk("sendgrid", "@sendgrid/mail");
      const client = new sdk.MailService();
      client.setApiKey(`SG.${KEY}`);
      client.client.setDefaultRequest("baseUrl", `${url}/`);
      return async () => {
        const [response] = await client.send({ from: FROM, to: TO, subject: SUBJECT, text: TEXT });
        return response.headers["x-message-id"];
      };
    },
    config: (url) => ({ apiKey: `SG.${KEY}`, endpoint: url }),
  },
  {
    id: "brevo",
    pkg: "brevo",
    sdk: "@getbrevo/brevo",
    path: "POST /v3/smtp/email",
    async raw(url) {
      const { BrevoClient } = await importSdk("brevo", "@getbrevo/brevo");
      const client = new BrevoClient({ apiKey: `xkeysib-${KEY}`, baseUrl: `${url}/v3`, maxRetries: 0 });
      return async () => {
        const result = await client.transactionalEmails.sendTransacEmail({
          sender: { email: "app@example.com", name: "App" },
          to: [{ email: "ann@example.com", name: "Ann" }],
          subject: SUBJECT,
          textContent: TEXT,
        });
        return result.messageId;
      };
    },
    config: (url) => ({ apiKey: `xkeysib-${KEY}`, endpoint: `${url}/v3` }),
  },
  {
    id: "mailjet",
    pkg: "mailjet",
    sdk: "node-mailjet",
    path: "POST /v3.1/send",
    async raw(url) {
      const { default: Mailjet } = await importSdk("mailjet", "node-mailjet");
      // The SDK's URLs are a static protocol + host: the documented way to reach a plain-http stub.
      Mailjet.Request.protocol = "http://";
      const client = new Mailjet({
        apiKey: KEY,
        apiSecret: `${KEY}-secret`,
        config: { host: new URL(url).host },
      });
      return async () => {
        const { body } = await client.post("send", { version: "v3.1" }).request({
          Messages: [
            {
              From: { Email: "app@example.com", Name: "App" },
              To: [{ Email: "ann@example.com", Name: "Ann" }],
              Subject: SUBJECT,
              TextPart: TEXT,
            },
          ],
        });
        return body.Messages[0].To[0].MessageID;
      };
    },
    config: (url) => ({ apiKey: KEY, apiSecret: `${KEY}-secret`, endpoint: url }),
  },
];

/** The provider definition a posse package exports (the value whose `id` is the vendor's). */
export async function definitionOf(vendor) {
  const module = await import(`@posse/mail-${vendor.pkg}`);
  return Object.values(module).find((value) => value && typeof value === "object" && value.id === vendor.id);
}

/** A posse-mail mailer for `vendor` against the stub at `url`, and its send function. */
export async function posseSender(vendor, url) {
  // Imported here, not at the top, so a cold-start run of the raw SDK loads nothing of posse-mail.
  const { createMailer } = await import("@posse/mail-core");
  const mailer = await createMailer({
    from: FROM,
    providers: { definition: await definitionOf(vendor), config: vendor.config(url) },
  });
  const message = { to: TO, subject: SUBJECT, text: TEXT };
  return { mailer, send: async () => (await mailer.send(message)).messageId };
}
