// bull-board (the BullMQ ecosystem's queue UI) for the demo's queue, served by the inbox's node:http server
// under /queues. Loaded only for `demo --queue`: the demo without it loads neither bull-board nor Express.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { MailQueue } from "@posse/mail-queue";

/** A node:http request listener. */
export type HttpListener = (request: IncomingMessage, response: ServerResponse) => void;

/** Where the inbox serves the dashboard. */
export const DASHBOARD_PATH = "/queues";

/** Whether a request path is the dashboard's (`/queues` or below it). */
export function isDashboardPath(path: string): boolean {
  return path === DASHBOARD_PATH || path.startsWith(`${DASHBOARD_PATH}/`);
}

/**
 * bull-board's page for `queue` (read-only: the demo's jobs are looked at, not retried or removed from
 * the page), as a node:http listener for the paths under {@link DASHBOARD_PATH}. bull-board's Express app
 * is mounted the way Express mounts one: the request reaches it with the base path taken off its URL.
 */
export async function queueDashboard(queue: MailQueue["queue"]): Promise<HttpListener> {
  const { createBullBoard } = await import("@bull-board/api");
  const { BullMQAdapter } = await import("@bull-board/api/bullMQAdapter");
  const { ExpressAdapter } = await import("@bull-board/express");
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: [new BullMQAdapter(queue, { readOnlyMode: true })], serverAdapter });
  const app = serverAdapter.getRouter() as HttpListener;
  return (request, response) => {
    const rest = (request.url ?? "").slice(DASHBOARD_PATH.length);
    request.url = rest.startsWith("/") ? rest : `/${rest}`;
    app(request, response);
  };
}
