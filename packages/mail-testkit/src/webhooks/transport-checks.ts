import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { relative } from "node:path";
import { pathToFileURL } from "node:url";
import { createWebhookHandler, type MailEvent, toNodeHandler } from "@posse/mail-core";
import { sdkLoadReport } from "@posse/mail-core/testing";
import { describe, expect, it } from "vitest";
import type { WebhookConformance } from "./spec.js";
import type { WebhookTester } from "./tester.js";

/** POSTs a request's bytes and headers to a loopback node:http server running the webhook through toNodeHandler. */
async function postThroughNode(
  handler: (request: Request) => Promise<Response>,
  request: Request,
): Promise<number> {
  const server = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const url = new URL(request.url);
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const body = new Uint8Array(await request.arrayBuffer());
    const response = await fetch(`${origin}${url.pathname}${url.search}`, {
      method: "POST",
      headers: request.headers,
      body,
    });
    await response.arrayBuffer();
    return response.status;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Node's http server (raw bytes through toNodeHandler), and the built entries loading no SDK. */
export function describeTransport<Options, Payload, Config>(
  spec: WebhookConformance<Options, Payload, Config>,
  tester: WebhookTester<Options, Payload>,
): void {
  it("takes a valid post through toNodeHandler on a real node:http server, with the same events", async () => {
    const events: MailEvent[] = [];
    const handler = createWebhookHandler(spec.webhook(spec.options), {
      onEvents: (handed) => void events.push(...handed),
    });
    expect(await postThroughNode(handler, tester.valid(spec.sample))).toBe(spec.answers.accepted);
    expect(events).toEqual(await tester.eventsOf(spec.sample));
  });

  const { sdk } = spec;
  if (sdk !== undefined) {
    describe.each(sdk.entries.map((entry) => [relative(process.cwd(), entry), entry]))("%s", (_, entry) => {
      it("loads no module of the vendor SDK", async () => {
        const report = await sdkLoadReport({ entry });
        const loaded = [entry, pathToFileURL(entry).href];
        expect(report.afterImport.some((url) => loaded.includes(url))).toBe(true);
        expect(report.afterImport.filter((url) => url.includes(sdk.module))).toEqual([]);
      }, 30_000);
    });
  }
}
