import { createSuppressionList, memorySuppressionStore, type SuppressionList } from "@posse/mail-core";
import { createJobBoard, type JobBoard } from "../queue/job-board.js";
import { createDemoWebhookSecrets, type DemoWebhookSecrets } from "../webhooks/demo-secrets.js";
import { createEventStore, type EventStore } from "../webhooks/event-store.js";
import { type InboxWeb, startInboxWeb } from "./inbox-web.js";
import { type SmtpInbox, startSmtpInbox } from "./smtp-inbox.js";

/**
 * The demo's embedded inbox: an SMTP server, the web page that shows what it received, and one webhook
 * endpoint per vendor (`POST /webhooks/<vendor>`) whose verified events the page shows with each message
 * and which feed the run's suppression list.
 */
export interface LocalInbox {
  readonly smtp: SmtpInbox;
  readonly web: InboxWeb;
  /** The delivery events the webhooks received. */
  readonly events: EventStore;
  /** The addresses the webhooks' bounces, complaints and unsubscribes suppressed (this run, in memory). */
  readonly suppression: SuppressionList;
  /** The queue's jobs the page shows (`demo --queue`); closed with the inbox. */
  readonly jobs: JobBoard;
  /** This run's webhook secrets and keys (in memory only; the sample poster signs with them). */
  readonly webhookSecrets: DemoWebhookSecrets;
  close(): Promise<void>;
}

/** Options of {@link startLocalInbox}. */
export interface LocalInboxOptions {
  /** Interface both servers bind; default `127.0.0.1`. */
  readonly host?: string;
  /** SMTP port; default 0 (any free port). */
  readonly smtpPort?: number;
  /** Web port; default 0 (any free port). */
  readonly webPort?: number;
}

/** Starts both servers; if the second fails, the first is closed again. */
export async function startLocalInbox(options: LocalInboxOptions = {}): Promise<LocalInbox> {
  const host = options.host ?? "127.0.0.1";
  const [smtp, webhookSecrets] = await Promise.all([
    startSmtpInbox({ host, port: options.smtpPort ?? 0 }),
    createDemoWebhookSecrets(),
  ]);
  const events = createEventStore();
  const jobs = createJobBoard();
  const suppression = createSuppressionList({ store: memorySuppressionStore() });
  let web: InboxWeb;
  try {
    // Loaded here, as the CLI loads the provider packages: a package not built yet is reported, not a crash.
    const { createWebhookEndpoints } = await import("../webhooks/webhook-endpoints.js");
    const webhooks = createWebhookEndpoints({ secrets: webhookSecrets, store: events, suppression });
    web = await startInboxWeb(smtp, { host, port: options.webPort ?? 0, events, webhooks, jobs });
  } catch (error) {
    await smtp.close();
    throw error;
  }
  return {
    smtp,
    web,
    events,
    suppression,
    jobs,
    webhookSecrets,
    close: async () => {
      await Promise.all([web.close(), smtp.close(), jobs.close()]);
    },
  };
}
