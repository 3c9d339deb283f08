import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type CreateMailerOptions, MailError, type Mailer } from "@posse/mail-core";
import { closedPort, minimalMessage } from "@posse/mail-core/testing";
import { http, passthrough } from "msw";
import { describe, expect, it } from "vitest";
import type { ProviderConformance } from "./spec.js";

/** A loopback vendor that answers every request with `answer` and notes, as each one arrives, `marked()`. */
async function markerCheckingVendor(answer: Response, marked: () => boolean) {
  const body = await answer.text();
  const headers = Object.fromEntries(answer.headers);
  const seen = { connections: 0, requests: 0, markedAtArrival: [] as boolean[] };
  const sockets = new Set<Socket>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    seen.requests += 1;
    seen.markedAtArrival.push(marked());
    request.resume();
    request.on("end", () => response.writeHead(answer.status, headers).end(body));
  });
  server.on("connection", (socket: Socket) => {
    seen.connections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  };
  return { origin: `http://127.0.0.1:${port}`, seen, close };
}

/**
 * Defines the checks of `send(message, { beforeRequest })`, which a queue uses to mark a send as possibly
 * accepted: it runs before the vendor receives any request (a real loopback vendor notes the mark as each
 * request arrives), not for a request refused at connect (a request that never left), and its refusal
 * sends nothing and fails the send with its own error.
 */
export function describeRequestStarting<Config>(
  spec: ProviderConformance<Config>,
  mailer: (options: Partial<CreateMailerOptions>, config: Config) => Promise<Mailer>,
): void {
  const id = spec.definition.id;

  describe("beforeRequest (the queue's 'possibly sent' mark) runs only once the request is leaving", () => {
    it("runs before the vendor receives the request", async () => {
      let marked = false;
      const vendor = await markerCheckingVendor(spec.success(), () => marked);
      try {
        spec.server.use(http.all(`${vendor.origin}/*`, () => passthrough()));
        const sender = await mailer({}, spec.withEndpoint(vendor.origin));
        const receipt = await sender.send(minimalMessage, {
          beforeRequest: async () => {
            marked = true;
          },
        });
        expect(receipt).toEqual({ provider: id, messageId: spec.messageId });
        expect(vendor.seen.markedAtArrival).toEqual([true]);
      } finally {
        await vendor.close();
      }
    });

    it(
      spec.startsBeforeConnecting
        ? "runs when its HTTP client takes a request refused at connect, which fails as known not to have arrived"
        : "does not run for a request refused at connect (it never left)",
      async () => {
        const origin = `http://127.0.0.1:${await closedPort()}`;
        spec.server.use(http.all(`${origin}/*`, () => passthrough()));
        let runs = 0;
        const sender = await mailer({}, spec.withEndpoint(origin));
        const outcome = await sender
          .send(minimalMessage, {
            beforeRequest: async () => {
              runs += 1;
            },
          })
          .catch((error: unknown) => error);
        // Not outcome-unknown either way: a queue that marked clears its mark and sends again.
        expect(outcome).toMatchObject({ code: "NETWORK", provider: id, outcomeUnknown: false });
        expect(runs).toBe(spec.startsBeforeConnecting ? 1 : 0);
      },
    );

    it("sends nothing when it refuses, and the send fails with its error", async () => {
      const vendor = await markerCheckingVendor(spec.success(), () => true);
      try {
        spec.server.use(http.all(`${vendor.origin}/*`, () => passthrough()));
        const sender = await mailer({}, spec.withEndpoint(vendor.origin));
        const refusal = new MailError("UNKNOWN", "another run marked this send", {
          retryable: false,
          outcomeUnknown: true,
        });
        const outcome = await sender
          .send(minimalMessage, { beforeRequest: () => Promise.reject(refusal) })
          .catch((error: unknown) => error);
        expect(outcome).toMatchObject({
          code: "UNKNOWN",
          message: "another run marked this send",
          provider: id,
        });
        expect(vendor.seen.requests).toBe(0);
      } finally {
        await vendor.close();
      }
    });
  });
}
