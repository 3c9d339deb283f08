import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createJobBoard, type JobBoard } from "../queue/job-board.js";
import { isDashboardPath } from "../queue/queue-dashboard.js";
import { createEventStore, type EventStore } from "../webhooks/event-store.js";
import type { NodeListener } from "../webhooks/webhook-endpoints.js";
import { PAGE_CSP, renderList, renderMessage, renderNotFound } from "./inbox-html.js";
import type { SmtpInbox } from "./smtp-inbox.js";

/** The inbox's web page. */
export interface InboxWeb {
  /** E.g. `http://127.0.0.1:4321/`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Options of {@link startInboxWeb}. */
export interface InboxWebOptions {
  /** Interface to bind; default `127.0.0.1`. */
  readonly host?: string;
  /** Port; default 0 (any free port). */
  readonly port?: number;
  /** The delivery events shown with each message; default an empty store. */
  readonly events?: EventStore;
  /** Webhook endpoints by vendor: `POST /webhooks/<vendor>` goes to the listener; default none. */
  readonly webhooks?: ReadonlyMap<string, NodeListener>;
  /** The queue's jobs shown on the list (`demo --queue`); default none. */
  readonly jobs?: JobBoard;
}

/** What the routes read. */
interface Routes {
  readonly inbox: SmtpInbox;
  readonly events: EventStore;
  readonly webhooks: ReadonlyMap<string, NodeListener>;
  readonly jobs: JobBoard;
}

const SECURITY_HEADERS = {
  "Content-Security-Policy": PAGE_CSP,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cache-Control": "no-store",
};

function send(
  response: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(body)),
    ...headers,
  });
  response.end(body);
}

/** `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name. */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost";
}

function route(routes: Routes, request: IncomingMessage, response: ServerResponse): void {
  const { inbox, events } = routes;
  const path = new URL(request.url ?? "/", "http://inbox.invalid").pathname;
  // The vendor's webhook (core's handler: POST only, signature checked on the raw body, 200 once stored).
  const webhook = routes.webhooks.get(/^\/webhooks\/([a-z-]+)$/.exec(path)?.[1] ?? "");
  if (webhook) {
    webhook(request, response);
    return;
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    send(response, 405, "Method not allowed", { Allow: "GET, HEAD", "Content-Type": "text/plain" });
    return;
  }
  if (isDashboardPath(path)) {
    // bull-board for the queue (`demo --queue`); read-only, so GET and HEAD are all it serves here.
    routes.jobs
      .dashboard()
      .then((dashboard) =>
        dashboard ? dashboard(request, response) : send(response, 404, renderNotFound("The queue dashboard")),
      )
      .catch(() => response.destroy());
    return;
  }
  if (path === "/") {
    // The jobs' states are read from the queue on each view; a queue that does not answer is said so.
    routes.jobs
      .views()
      .then(
        (jobs) => send(response, 200, renderList(inbox.messages, events, jobs)),
        () => send(response, 200, renderList(inbox.messages, events, null)),
      )
      .catch(() => response.destroy());
    return;
  }
  const match = /^\/messages\/(\d+)(?:\/(raw|attachments\/(\d+)))?$/.exec(path);
  const message = match ? inbox.get(match[1]!) : undefined;
  if (!match || !message) {
    send(response, 404, renderNotFound(match ? `Message ${match[1]}` : "This page"));
    return;
  }
  if (match[2] === undefined) {
    send(response, 200, renderMessage(message, events));
  } else if (match[2] === "raw") {
    send(response, 200, message.raw, {
      "Content-Type": "message/rfc822",
      "Content-Disposition": attachmentDisposition(`message-${message.id}.eml`),
    });
  } else {
    const index = Number(match[3]);
    const attachment = message.parsed.attachments[index];
    if (!attachment) {
      send(response, 404, renderNotFound(`Attachment ${index} of message ${message.id}`));
      return;
    }
    // Always a download, never rendered in the inbox's origin, whatever type the sender claimed.
    send(response, 200, attachment.content as Buffer, {
      "Content-Type": attachment.contentType || "application/octet-stream",
      "Content-Disposition": attachmentDisposition(attachment.filename ?? `attachment-${index + 1}`),
    });
  }
}

/**
 * Serves the inbox over HTTP: `/` lists messages, `/messages/:id` shows one with its delivery events, and
 * `POST /webhooks/<vendor>` receives that vendor's webhook.
 */
export async function startInboxWeb(inbox: SmtpInbox, options: InboxWebOptions = {}): Promise<InboxWeb> {
  const host = options.host ?? "127.0.0.1";
  const routes: Routes = {
    inbox,
    events: options.events ?? createEventStore(),
    webhooks: options.webhooks ?? new Map(),
    jobs: options.jobs ?? createJobBoard(),
  };
  let allowedHosts: Set<string> = new Set();
  const server = createServer((request, response) => {
    // On loopback, refuse other Host names: a web page elsewhere cannot read the inbox by DNS rebinding.
    if (isLoopback(host) && !allowedHosts.has((request.headers.host ?? "").toLowerCase())) {
      send(response, 421, "Misdirected request", { "Content-Type": "text/plain" });
      return;
    }
    try {
      route(routes, request, response);
    } catch {
      if (!response.headersSent) send(response, 500, "Internal error", { "Content-Type": "text/plain" });
      else response.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
