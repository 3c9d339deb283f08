import { sesWebhook } from "@posse/mail-amazon-ses/webhooks";
import { brevoWebhook } from "@posse/mail-brevo/webhooks";
import {
  createWebhookHandler,
  type MailEvent,
  type SuppressionList,
  suppressFromEvents,
  toNodeHandler,
  type WebhookDefinition,
} from "@posse/mail-core";
import { mailgunWebhook } from "@posse/mail-mailgun/webhooks";
import { mailjetWebhook } from "@posse/mail-mailjet/webhooks";
import { postmarkWebhook } from "@posse/mail-postmark/webhooks";
import { resendWebhook } from "@posse/mail-resend/webhooks";
import { sendgridWebhook } from "@posse/mail-sendgrid/webhooks";
import type { DemoWebhookSecrets } from "./demo-secrets.js";
import type { EventStore } from "./event-store.js";

/** The vendors with a webhook, by the path segment of their endpoint: `POST /webhooks/<name>`. */
export const WEBHOOK_VENDORS = [
  "amazon-ses",
  "resend",
  "mailgun",
  "postmark",
  "sendgrid",
  "brevo",
  "mailjet",
] as const;

/** One of {@link WEBHOOK_VENDORS}. */
export type WebhookVendor = (typeof WEBHOOK_VENDORS)[number];

/** A Node `http` listener, as `toNodeHandler` makes it. */
export type NodeListener = ReturnType<typeof toNodeHandler>;

/**
 * The SES webhook's certificate fetcher in the demo: it answers the one SNS URL the demo's samples name with
 * the run's own certificate, and refuses everything else without a request, so nothing leaves the machine.
 * (The webhook itself only ever asks for https URLs on SNS hosts; in production it downloads SNS's.)
 */
function demoCertificateFetch(secrets: DemoWebhookSecrets): typeof fetch {
  return async (input) => {
    const url = input instanceof Request ? input.url : String(input);
    return url === secrets.ses.certificateUrl
      ? new Response(secrets.ses.certificate)
      : new Response("not served by the demo", { status: 404 });
  };
}

/** Each vendor's webhook, verifying with the run's secrets (never with verification switched off). */
function definitions(
  secrets: DemoWebhookSecrets,
  now: () => number,
): Record<WebhookVendor, WebhookDefinition> {
  // An empty env: the demo's endpoints take their secrets from code, never from the developer's variables.
  const env = {};
  return {
    "amazon-ses": sesWebhook({
      topicArns: [secrets.ses.topicArn],
      fetch: demoCertificateFetch(secrets),
      env,
    }),
    resend: resendWebhook({ secret: secrets.resendSecret, now, env }),
    mailgun: mailgunWebhook({ signingKey: secrets.mailgunSigningKey, now, env }),
    postmark: postmarkWebhook({ basic: secrets.postmark, now, env }),
    sendgrid: sendgridWebhook({ publicKey: secrets.sendgrid.publicKey, now, env }),
    brevo: brevoWebhook({ bearer: secrets.brevoToken, now, env }),
    mailjet: mailjetWebhook({ basic: secrets.mailjet, now, env }),
  };
}

/** Options of {@link createWebhookEndpoints}. */
export interface WebhookEndpointsOptions {
  readonly secrets: DemoWebhookSecrets;
  /** Where verified events go. */
  readonly store: EventStore;
  /** A suppression list the events feed (hard bounces, complaints, unsubscribes). */
  readonly suppression?: SuppressionList;
  /** Epoch ms now, for the signatures' time windows; `Date.now` by default. */
  readonly now?: () => number;
}

/**
 * One Node listener per vendor: core's handler around the vendor's webhook, storing what it verified and
 * feeding the suppression list, when there is one.
 */
export function createWebhookEndpoints(options: WebhookEndpointsOptions): ReadonlyMap<string, NodeListener> {
  const all = definitions(options.secrets, options.now ?? Date.now);
  const { store, suppression } = options;
  const onEvents = async (events: readonly MailEvent[]) => {
    store.add(events);
    if (suppression) await suppressFromEvents(suppression, events);
  };
  return new Map(
    WEBHOOK_VENDORS.map((vendor) => [vendor, toNodeHandler(createWebhookHandler(all[vendor], { onEvents }))]),
  );
}
