// The Workers the workerd test bundles: one whose fetch handler is a vendor's webhook handler, and one that
// builds a mailer from its env bindings and sends one message. Each is written as an application would.
import type { SignedSample } from "./runtime-vendors.js";

/** Each vendor's package and webhook factory. */
const WEBHOOKS: Record<string, { pkg: string; factory: string }> = {
  "amazon-ses": { pkg: "@posse/mail-amazon-ses", factory: "sesWebhook" },
  brevo: { pkg: "@posse/mail-brevo", factory: "brevoWebhook" },
  mailgun: { pkg: "@posse/mail-mailgun", factory: "mailgunWebhook" },
  mailjet: { pkg: "@posse/mail-mailjet", factory: "mailjetWebhook" },
  postmark: { pkg: "@posse/mail-postmark", factory: "postmarkWebhook" },
  resend: { pkg: "@posse/mail-resend", factory: "resendWebhook" },
  sendgrid: { pkg: "@posse/mail-sendgrid", factory: "sendgridWebhook" },
};

/** The vendors with a webhook. */
export const WEBHOOK_VENDORS = Object.keys(WEBHOOKS);

/**
 * What a vendor's webhook Worker is built from: its source, and the env bindings it runs with. Postmark's
 * credentials are bindings (`POSTMARK_WEBHOOK_USERNAME` / `_PASSWORD`, read through the Worker's `env`, as
 * docs/webhooks.md shows); the other vendors' secrets are options in the source.
 */
export function webhookWorker(
  sample: SignedSample,
  certificateStandIn?: string,
): { source: string; bindings: Record<string, string> } {
  const { pkg, factory } = WEBHOOKS[sample.vendor]!;
  const { certificate: _, certificateUrl, ...options } = sample.options;
  let bindings: Record<string, string> = {};
  if (sample.vendor === "postmark") {
    const { username, password } = options.basic as { username: string; password: string };
    bindings = { POSTMARK_WEBHOOK_USERNAME: username, POSTMARK_WEBHOOK_PASSWORD: password };
    delete options.basic;
  }
  const fetchOption =
    certificateUrl === undefined
      ? ""
      : `fetch: (url, init) =>
      String(url) === ${JSON.stringify(certificateUrl)}
        ? fetch(${JSON.stringify(certificateStandIn)}, init)
        : Promise.resolve(new Response("not the certificate", { status: 404 })),`;
  // The handler is made once, on the first request (the Worker's env is known from then on), and answers as
  // core's handler does, with `x-events` added: the events that post handed to `onEvents`.
  const source = `import { createWebhookHandler } from "@posse/mail-core/webhooks";
import { ${factory} } from "${pkg}/webhooks";

const received = [];
let handler;

export default {
  async fetch(request, env) {
    handler ??= createWebhookHandler(
      ${factory}({ ...${JSON.stringify(options)}, env, ${fetchOption} }),
      { onEvents: (events) => void received.push(...events.map((event) => \`\${event.type} \${event.messageId}\`)) },
    );
    const answer = await handler(request);
    const headers = new Headers(answer.headers);
    headers.set("x-events", JSON.stringify(received.splice(0)));
    return new Response(answer.body, { status: answer.status, headers });
  },
};
`;
  return { source, bindings };
}

/**
 * A Worker that imports `packageName` (unless undefined), builds a mailer from its env bindings with
 * `createMailerFromEnv({ env })` (its endpoint pointed at `endpoint`), sends one message and answers with the
 * receipt's id, or the error a user would catch.
 */
export function sendWorker(packageName: string | undefined, endpoint: string | undefined): string {
  return `import { createMailerFromEnv } from "@posse/mail-core";
${packageName === undefined ? "" : `import "${packageName}";`}

const ENDPOINT = ${JSON.stringify(endpoint ?? null)};

export default {
  async fetch(request, env) {
    try {
      const config = ENDPOINT === null ? undefined : { [env.MAIL_PROVIDER]: { endpoint: ENDPOINT } };
      const mailer = await createMailerFromEnv({ env, config });
      try {
        const receipt = await mailer.send({ to: "ann@example.com", subject: "workerd check", text: "Hello from a Worker" });
        return Response.json({ messageId: receipt.messageId });
      } finally {
        await mailer.close();
      }
    } catch (error) {
      return Response.json({ error: { name: error?.name, code: error?.code, message: error?.message } });
    }
  },
};
`;
}
