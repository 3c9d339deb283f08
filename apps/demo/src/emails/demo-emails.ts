import { randomBytes, randomInt } from "node:crypto";
import type { AddressInput, MailMessage } from "@posse/mail-core";
import { credentialRenewalEmail } from "./credential-renewal.js";
import { errorReportEmail } from "./error-report.js";
import { signInEmail } from "./sign-in.js";

const APP = "POSSE Party";
const BASE_URL = "https://posse-party.example";

/** One of the demo's e-mails with a short label for progress lines. */
export interface DemoEmail {
  readonly label: string;
  readonly message: MailMessage;
}

/** Sources of time and randomness, injectable for tests. */
export interface DemoEmailOptions {
  readonly now?: Date;
  readonly token?: string;
  readonly code?: string;
}

class PublishError extends Error {
  override readonly name = "PublishError";
}

// A real failure with a real stack: the kind of error a syndication job reports.
function publishToLinkedIn(post: { id: number; token?: string }): never {
  try {
    const header = `Bearer ${post.token!.trim()}`;
    throw new Error(`unreachable: ${header}`);
  } catch (cause) {
    throw new PublishError(
      `Could not publish post #${post.id} to LinkedIn: token for "<ada>" & co. is missing`,
      {
        cause,
      },
    );
  }
}

/** The failure the error-report e-mail describes. */
export function sampleError(): Error {
  try {
    publishToLinkedIn({ id: 42 });
  } catch (error) {
    return error as Error;
  }
}

/** The demo's three e-mails to `to`: sign-in link, credential-renewal notice, error report. */
export function demoEmails(to: AddressInput, options: DemoEmailOptions = {}): DemoEmail[] {
  const now = options.now ?? new Date();
  const token = options.token ?? randomBytes(24).toString("base64url");
  const code = options.code ?? String(randomInt(0, 1_000_000)).padStart(6, "0");
  const minutes = 15;
  const renewalAt = new Date(now.getTime() + 3 * 24 * 60 * 60 * 1000);
  return [
    {
      label: "sign-in link",
      message: {
        to,
        ...signInEmail({
          appName: APP,
          link: `${BASE_URL}/sign-in/${token}`,
          code,
          expiresAt: new Date(now.getTime() + minutes * 60 * 1000),
          validMinutes: minutes,
        }),
      },
    },
    {
      label: "credential renewal",
      message: {
        to,
        ...credentialRenewalEmail({
          appName: APP,
          network: "LinkedIn",
          account: "Ada Lovelace (in/ada-lovelace)",
          expiresAt: renewalAt,
          daysLeft: 3,
          renewUrl: `${BASE_URL}/connections/linkedin/renew`,
        }),
      },
    },
    {
      label: "error report",
      message: {
        to,
        ...errorReportEmail({
          appName: APP,
          error: sampleError(),
          request: {
            method: "POST",
            url: "/posts/42/syndicate?network=linkedin",
            requestId: "req_7f3a9c",
            user: "ada@posse-party.example",
            userAgent: "Mozilla/5.0 (X11; Linux x86_64) posse-demo",
            at: now,
          },
        }),
      },
    },
  ];
}
