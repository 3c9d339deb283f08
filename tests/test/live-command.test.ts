// `npm run test:live`, as CONTRIBUTING.md shows it, run from the repository root with no vendor credentials
// in the environment: every vendor's live test is listed as skipped with the variables it needs, nothing is
// sent, and the command exits 0. (With credentials it would send real messages: they are removed here.)
import { exec } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { amazonSesProvider } from "@posse/mail-amazon-ses";
import { brevoProvider } from "@posse/mail-brevo";
import { mailgunProvider } from "@posse/mail-mailgun";
import { mailjetProvider } from "@posse/mail-mailjet";
import { postmarkProvider } from "@posse/mail-postmark";
import { resendProvider } from "@posse/mail-resend";
import { sendgridProvider } from "@posse/mail-sendgrid";
import { smtpProvider } from "@posse/mail-smtp";
import { expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PROVIDERS = [
  amazonSesProvider,
  brevoProvider,
  mailgunProvider,
  mailjetProvider,
  postmarkProvider,
  resendProvider,
  sendgridProvider,
  smtpProvider,
];

/** The environment with every variable a live test reads removed. */
function withoutLiveVariables(): NodeJS.ProcessEnv {
  const names = new Set(["MAIL_PROVIDER", "MAIL_FROM_ADDRESS", "POSSE_LIVE_TO"]);
  for (const provider of PROVIDERS) for (const variable of provider.env) names.add(variable.name);
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !names.has(name))),
    NO_COLOR: "1",
  };
}

it("npm run test:live: without credentials, lists each vendor's live test as skipped with the variables it needs, and exits 0", async () => {
  const { stdout } = await promisify(exec)("npm run test:live", { cwd: ROOT, env: withoutLiveVariables() });
  const skipped = stdout
    .split("\n")
    .filter((line) => line.includes("skipped, set"))
    .map((line) => line.replace(/^.*live > /, "").trim())
    .sort();
  expect(skipped).toEqual([
    "sends a real message through Amazon SES: skipped, set AWS_SES_REGION, AWS_SES_ACCESS_KEY_ID, AWS_SES_SECRET_ACCESS_KEY, MAIL_FROM_ADDRESS, POSSE_LIVE_TO",
    "sends a real message through Brevo: skipped, set BREVO_API_KEY, MAIL_FROM_ADDRESS, POSSE_LIVE_TO",
    "sends a real message through Mailgun: skipped, set MAILGUN_API_KEY, MAILGUN_DOMAIN, MAIL_FROM_ADDRESS, POSSE_LIVE_TO",
    "sends a real message through Mailjet: skipped, set MAILJET_API_KEY, MAILJET_API_SECRET, MAIL_FROM_ADDRESS, POSSE_LIVE_TO",
    "sends a real message through Postmark: skipped, set POSTMARK_API_TOKEN, MAIL_FROM_ADDRESS, POSSE_LIVE_TO",
    "sends a real message through Resend: skipped, set RESEND_API_KEY, MAIL_FROM_ADDRESS, POSSE_LIVE_TO",
    "sends a real message through SMTP: skipped, set SMTP_HOST, SMTP_USERNAME, SMTP_PASSWORD, MAIL_FROM_ADDRESS, POSSE_LIVE_TO",
    "sends a real message through SendGrid: skipped, set SENDGRID_API_KEY, MAIL_FROM_ADDRESS, POSSE_LIVE_TO",
  ]);
  expect(stdout).toMatch(/Tests +8 skipped \(8\)/);
}, 120_000);
