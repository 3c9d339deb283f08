import {
  type CreateMailerFromEnvOptions,
  createMailerFromEnv,
  type EnvSource,
  envValue,
  type MailEvent,
  type MailProviderResolution,
  resolveMailProvider,
  type SendReceipt,
} from "@posse/mail-core";
import { type DemoEmail, type DemoEmailOptions, demoEmails } from "./emails/demo-emails.js";
import { type LocalInbox, type LocalInboxOptions, startLocalInbox } from "./inbox/local-inbox.js";
import { step, type TextOutput, writeLine } from "./output.js";
import { printable } from "./printable.js";
import type { JobView } from "./queue/job-view.js";

/** Sender of the local demo when `MAIL_FROM_ADDRESS` is blank. */
export const DEFAULT_FROM = "POSSE Party <possy@localhost.test>";
/** Recipient of the local demo when `--to` is not given. */
export const DEFAULT_LOCAL_TO = "Ada Lovelace <ada@localhost.test>";

/** Options of {@link runDemo}. */
export interface RunDemoOptions extends LocalInboxOptions {
  /** Variables to read (never mutated); usually `process.env`. */
  readonly env: EnvSource;
  /** Where progress and results go. */
  readonly out: TextOutput;
  /** Recipient; default `MAIL_FROM_ADDRESS` (or a local address for the inbox). */
  readonly to?: string | undefined;
  /** Time and codes in the e-mails, for tests. */
  readonly emails?: DemoEmailOptions;
  /** Passed to `createMailerFromEnv` (endpoint overrides, hooks, …). */
  readonly mailer?: Omit<CreateMailerFromEnvOptions, "env">;
  /** `--queue`: the Redis URL to send through `@posse/mail-queue` and a worker in this process. */
  readonly queue?: string | undefined;
}

/** What a demo run did. */
export interface DemoRun {
  /** `local`: no provider configured, sent to the embedded inbox; `provider`: sent for real. */
  readonly mode: "local" | "provider";
  /** One receipt per e-mail, in order. */
  readonly receipts: readonly SendReceipt[];
  /** The embedded inbox, still running (the caller closes it); only in `local` mode. */
  readonly inbox?: LocalInbox;
  /** With `queue`: each job's view once they settled, in the e-mails' order. */
  readonly jobs?: readonly JobView[];
}

/**
 * The environment the local demo hands `createMailerFromEnv`: the SMTP provider pointed at the inbox,
 * plain SMTP on loopback, no account. Only the sender is taken from the real environment.
 */
export function localInboxEnv(env: EnvSource, smtp: { host: string; port: number }): EnvSource {
  return {
    MAIL_PROVIDER: "smtp",
    MAIL_FROM_ADDRESS: envValue(env, "MAIL_FROM_ADDRESS") ?? DEFAULT_FROM,
    SMTP_HOST: smtp.host,
    SMTP_PORT: String(smtp.port),
    SMTP_ENABLE_STARTTLS: "false",
    MAIL_RETRY_ATTEMPTS: "1",
  };
}

function describeChoice(resolution: MailProviderResolution): string {
  return resolution.reason === "explicit"
    ? `MAIL_PROVIDER=${resolution.chain.join(",")}`
    : "detected from its variables";
}

async function sendAll(
  env: EnvSource,
  emails: readonly DemoEmail[],
  out: TextOutput,
  options: RunDemoOptions,
): Promise<SendReceipt[]> {
  const mailer = await createMailerFromEnv({ ...options.mailer, env });
  const receipts: SendReceipt[] = [];
  try {
    for (const [index, email] of emails.entries()) {
      const receipt = await step(
        out,
        `  ${index + 1}/${emails.length} ${email.label}`,
        () => mailer.send(email.message),
        (sent) =>
          `"${printable(email.message.subject)}" sent via ${sent.provider}, id ${printable(sent.messageId)}`,
      );
      receipts.push(receipt);
    }
  } finally {
    await mailer.close();
  }
  return receipts;
}

/**
 * Sends the e-mails: directly, or with `queue` through the queue and a worker in this process (then the
 * enqueuing says where they go, not a "Sending" line). The inbox, if any, shows the jobs on its page
 * (reading them from the queue, which it closes when it closes). `recipient.to` is already printable.
 */
async function deliver(
  env: EnvSource,
  emails: readonly DemoEmail[],
  recipient: { to: string; through: string },
  options: RunDemoOptions,
  inbox?: LocalInbox,
): Promise<{ receipts: readonly SendReceipt[]; jobs?: readonly JobView[] }> {
  const { out } = options;
  if (options.queue === undefined) {
    writeLine(out, `Sending ${emails.length} e-mails to ${recipient.to}${recipient.through}`);
    return { receipts: await sendAll(env, emails, out, options) };
  }
  const { sendThroughQueue } = await import("./queue/queued-send.js");
  const sent = await sendThroughQueue({
    env,
    url: options.queue,
    emails,
    to: recipient.to,
    out,
    ...(options.mailer ? { mailer: options.mailer } : {}),
  });
  if (inbox) inbox.jobs.show(sent.jobs, sent.source);
  else await sent.source.close();
  return { receipts: sent.receipts, jobs: sent.views };
}

/**
 * Sends the three demo e-mails: through the configured provider, or, when none is configured, through
 * the SMTP provider to an embedded local inbox that the caller keeps serving (or closes).
 */
export async function runDemo(options: RunDemoOptions): Promise<DemoRun> {
  const { env, out } = options;
  const resolution = resolveMailProvider(env);
  if (resolution) {
    const to = options.to ?? envValue(env, "MAIL_FROM_ADDRESS");
    writeLine(
      out,
      `posse-mail demo: sending through ${resolution.chain.join(" → ")} (${describeChoice(resolution)})`,
    );
    const emails = demoEmails(to ?? "", options.emails);
    const recipient = to === undefined ? "(no recipient: set --to or MAIL_FROM_ADDRESS)" : printable(to);
    const { receipts, jobs } = await deliver(env, emails, { to: recipient, through: "" }, options);
    writeLine(out, `Done: ${receipts.length} e-mails accepted. Check the inbox of ${printable(to ?? "")}.`);
    return { mode: "provider", receipts, ...(jobs ? { jobs } : {}) };
  }

  writeLine(out, "posse-mail demo: no e-mail provider is configured, so the e-mails go to a local inbox.");
  const inbox = await openLocalInbox(out, options);
  try {
    const localEnv = localInboxEnv(env, inbox.smtp);
    const to = options.to ?? DEFAULT_LOCAL_TO;
    const emails = demoEmails(to, options.emails);
    const through = ` through smtp (${inbox.smtp.host}:${inbox.smtp.port})`;
    const { receipts, jobs } = await deliver(
      localEnv,
      emails,
      { to: printable(to), through },
      options,
      inbox,
    );
    writeLine(out, `Inbox: ${inbox.web.url}`);
    return { mode: "local", receipts, inbox, ...(jobs ? { jobs } : {}) };
  } catch (error) {
    await inbox.close();
    throw error;
  }
}

/** Starts the local inbox, showing the step and where it listens. */
export function openLocalInbox(out: TextOutput, options: LocalInboxOptions = {}): Promise<LocalInbox> {
  return step(
    out,
    "Starting the local inbox",
    () => startLocalInbox(options),
    (started) => `SMTP on ${started.smtp.host}:${started.smtp.port}, web on ${started.web.url}`,
  );
}

function eventList(events: readonly MailEvent[]): string {
  return events.map((event) => `${event.type} (${printable(event.provider)})`).join(", ");
}

/** Prints what the local inbox holds, one line per message and its delivery events, if any (for `--exit`). */
export function printInboxSummary(
  inbox: Pick<LocalInbox, "smtp"> & Partial<Pick<LocalInbox, "events">>,
  out: TextOutput,
): void {
  const { messages } = inbox.smtp;
  writeLine(out, `The inbox received ${messages.length} message${messages.length === 1 ? "" : "s"}:`);
  // What arrived is anyone's text: a subject or file name may carry line breaks or escape sequences.
  for (const message of messages) {
    const files = message.parsed.attachments.map((attachment) => attachment.filename).join(", ");
    const to = message.envelopeTo.join(", ");
    writeLine(
      out,
      `  #${message.id} "${printable(message.parsed.subject ?? "")}" → ${printable(to)}${files ? ` [${printable(files)}]` : ""}`,
    );
    const id = message.parsed.messageId;
    const events = id === undefined || !inbox.events ? [] : inbox.events.forMessage(id);
    if (events.length > 0) writeLine(out, `      events: ${eventList(events)}`);
  }
  const held = new Set(messages.map((message) => message.parsed.messageId));
  const others = (inbox.events?.all() ?? []).filter(
    (event) => event.messageId === undefined || !held.has(event.messageId),
  );
  if (others.length > 0) writeLine(out, `  events about other messages: ${eventList(others)}`);
}
