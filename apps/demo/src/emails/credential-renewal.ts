import type { MailMessage } from "@posse/mail-core";
import { buttonLink, emailLayout, escapeHtml, formatUtc } from "./html.js";

/** What a credential-renewal notice says. */
export interface CredentialRenewalData {
  /** The application's name. */
  readonly appName: string;
  /** The network whose OAuth connection expires, e.g. `LinkedIn`. */
  readonly network: string;
  /** The connected account, as the user knows it. */
  readonly account: string;
  /** When the access token expires. */
  readonly expiresAt: Date;
  /** Whole days left, as said in the subject. */
  readonly daysLeft: number;
  /** Where the user renews the connection. */
  readonly renewUrl: string;
}

/** A notice that an OAuth connection is about to expire, with the link that renews it. */
export function credentialRenewalEmail(
  data: CredentialRenewalData,
): Pick<MailMessage, "subject" | "text" | "html"> {
  const days = data.daysLeft === 1 ? "1 day" : `${data.daysLeft} days`;
  const subject = `Your ${data.network} connection expires in ${days}`;
  const consequence = `Until you renew it, ${data.appName} cannot publish to ${data.network} as ${data.account}.`;
  const text = [
    `Your ${data.network} connection needs renewing`,
    "",
    `${data.appName}'s access to ${data.network} for ${data.account} expires on ${formatUtc(data.expiresAt)}.`,
    consequence,
    "",
    "Renew it here (it takes a few seconds):",
    data.renewUrl,
  ].join("\n");
  const html = emailLayout(
    subject,
    `<h1 style="font-size:20px;margin:0 0 16px">Your ${escapeHtml(data.network)} connection needs renewing</h1>
<p>${escapeHtml(data.appName)}'s access to ${escapeHtml(data.network)} for <strong>${escapeHtml(data.account)}</strong> expires on <strong>${escapeHtml(formatUtc(data.expiresAt))}</strong>.</p>
<p>${escapeHtml(consequence)}</p>
${buttonLink(data.renewUrl, `Renew ${data.network} connection`)}
<p style="color:#6b7080">The link opens ${escapeHtml(data.network)}'s consent screen; nothing changes until you approve it there.</p>`,
  );
  return { subject, text, html };
}
