import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { relative } from "node:path";
import { pathToFileURL } from "node:url";
import { createWebhookHandler, type MailEvent, toNodeHandler } from "@posse/mail-core";
import { sdkLoadReport } from "@posse/mail-core/testing";
import { describe, expect, it } from "vitest";
import { answersOf, type WebhookConformance } from "./spec.js";
import type { WebhookTester } from "./tester.js";

/** A loopback node:http server running the webhook through toNodeHandler, closed after `use`. */
async function withNodeServer<T>(
  handler: (request: Request) => Promise<Response>,
  use: (origin: string, server: Server) => Promise<T>,
): Promise<T> {
  const server = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, server);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** POSTs a request's bytes and headers to a loopback node:http server running the webhook through toNodeHandler. */
async function postThroughNode(
  handler: (request: Request) => Promise<Response>,
  request: Request,
): Promise<number> {
  return withNodeServer(handler, async (origin) => {
    const url = new URL(request.url);
    const body = new Uint8Array(await request.arrayBuffer());
    const response = await fetch(`${origin}${url.pathname}${url.search}`, {
      method: "POST",
      headers: request.headers,
      body,
    });
    await response.arrayBuffer();
    return response.status;
  });
}

/**
 * The status toNodeHandler answers a post with that declares a 5 MiB body and sends only its first KiB: a post
 * refused on its headers is answered without waiting for the rest. Fails after 5 s without an answer.
 */
async function answerBeforeBody(
  handler: (request: Request) => Promise<Response>,
  request: Request,
): Promise<number> {
  const body = new Uint8Array(await request.arrayBuffer()).subarray(0, 1024);
  const headers = { ...Object.fromEntries(request.headers), "content-length": String(5 * 1024 * 1024) };
  const url = new URL(request.url);
  return withNodeServer(handler, (origin) => {
    return new Promise<number>((resolve, reject) => {
      const post = httpRequest(
        `${origin}${url.pathname}${url.search}`,
        { method: "POST", headers },
        (res) => {
          res.resume();
          clearTimeout(timer);
          resolve(res.statusCode!);
          post.destroy();
        },
      );
      const timer = setTimeout(() => {
        post.destroy();
        reject(new Error("no answer while the body was still to come: the handler waited for it"));
      }, 5000);
      post.on("error", (error) => (post.destroyed ? undefined : reject(error)));
      post.write(body);
    });
  });
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

  if (spec.credentialsInBody !== true) {
    const { forged } = answersOf(spec);
    it(`answers a post without credentials with ${forged} through toNodeHandler before its body arrives`, async () => {
      const handler = createWebhookHandler(spec.webhook(spec.options), { onEvents: () => {} });
      expect(await answerBeforeBody(handler, spec.unsigned(spec.sample))).toBe(forged);
    });
  }

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
