import type { MailMessage } from "@posse/mail-core";
import { buttonLink, emailLayout, escapeHtml, formatUtc } from "./html.js";

/** What a sign-in e-mail says. */
export interface SignInData {
  /** The application's name, e.g. `POSSE Party`. */
  readonly appName: string;
  /** The magic link that signs the recipient in. */
  readonly link: string;
  /** One-time code to type instead of clicking. */
  readonly code: string;
  /** When link and code stop working. */
  readonly expiresAt: Date;
  /** Minutes from sending until expiry, as said in the text. */
  readonly validMinutes: number;
}

/** A sign-in (magic link) e-mail with a one-time code; text and HTML. */
export function signInEmail(data: SignInData): Pick<MailMessage, "subject" | "text" | "html"> {
  const subject = `Your ${data.appName} sign-in link`;
  const expiry = `This link and code expire in ${data.validMinutes} minutes (at ${formatUtc(data.expiresAt)}) and work once.`;
  const text = [
    `Sign in to ${data.appName}`,
    "",
    "Open this link to sign in:",
    data.link,
    "",
    `Or enter this one-time code: ${data.code}`,
    "",
    expiry,
    "If you did not ask to sign in, ignore this e-mail: nobody can sign in without it.",
  ].join("\n");
  const html = emailLayout(
    subject,
    `<h1 style="font-size:20px;margin:0 0 16px">Sign in to ${escapeHtml(data.appName)}</h1>
<p>Click the button to sign in:</p>
${buttonLink(data.link, `Sign in to ${data.appName}`)}
<p>Or enter this one-time code:</p>
<p style="font-size:28px;letter-spacing:6px;font-family:ui-monospace,monospace;font-weight:700" data-testid="code">${escapeHtml(data.code)}</p>
<p>${escapeHtml(expiry)}</p>
<p style="color:#6b7080">If you did not ask to sign in, ignore this e-mail: nobody can sign in without it.</p>`,
  );
  return { subject, text, html };
}
