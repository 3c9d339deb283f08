import { createMailerFromEnv, type EnvSource } from "@posse/mail-core";
import type { LocalInbox, LocalInboxOptions } from "./inbox/local-inbox.js";
import { step, type TextOutput, writeLine } from "./output.js";
import { localInboxEnv, openLocalInbox } from "./run-demo.js";
import { type SendOneOptions, sendOne } from "./send-one.js";

/**
 * `demo doctor` with no provider configured: checks the path `demo` takes then, the SMTP provider into
 * the local inbox (started, verified, closed again). Rejects with the error when it does not work.
 */
export async function checkLocalInbox(
  env: EnvSource,
  out: TextOutput,
  options: LocalInboxOptions = {},
): Promise<void> {
  writeLine(out);
  writeLine(out, "With no provider configured, `demo` and `demo send` deliver to the demo's local inbox:");
  const inbox = await openLocalInbox(out, options);
  try {
    const { host, port } = inbox.smtp;
    await step(
      out,
      `Verifying smtp against the local inbox (${host}:${port})`,
      async () => {
        const mailer = await createMailerFromEnv({ env: localInboxEnv(env, inbox.smtp) });
        try {
          await mailer.verify();
        } finally {
          await mailer.close();
        }
      },
      () => "ok",
    );
  } finally {
    await inbox.close();
  }
}

/**
 * `demo send` with no provider configured: starts the local inbox and sends the message into it through
 * the SMTP provider; resolves to the inbox, still serving (the caller closes it).
 */
export async function sendToLocalInbox(
  options: Omit<SendOneOptions, "mailer"> & LocalInboxOptions,
): Promise<LocalInbox> {
  const { out } = options;
  writeLine(out, "posse-mail demo: no e-mail provider is configured, so the message goes to a local inbox.");
  const inbox = await openLocalInbox(out, options);
  try {
    await sendOne({ ...options, env: localInboxEnv(options.env, inbox.smtp) });
    writeLine(out, `Inbox: ${inbox.web.url}`);
    return inbox;
  } catch (error) {
    await inbox.close();
    throw error;
  }
}
