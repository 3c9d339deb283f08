import { createContractMailer, minimalMessage } from "@posse/mail-core/testing";
import { http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JoinCheck } from "./spec.js";
import type { WebhookTester } from "./tester.js";

/** The event about a sent message carries the send's messageId, tags and metadata: the vendor mocked with MSW. */
export function describeJoin<Options, Payload, Config>(
  join: JoinCheck<Config, Payload>,
  tester: WebhookTester<Options, Payload>,
): void {
  describe("joins what send() returned", () => {
    const server = setupServer();
    beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
    afterAll(() => server.close());

    it("an event's messageId, tags and metadata equal what the send returned and carried", async () => {
      const sent: Request[] = [];
      server.use(
        http.post(join.sendUrl, async ({ request }) => {
          const body = await request.arrayBuffer();
          sent.push(new Request(request.url, { method: "POST", headers: request.headers, body }));
          return join.success();
        }),
      );
      const mailer = await createContractMailer(join.definition, join.config);
      const receipt = await mailer.send({ ...minimalMessage, ...join.message });
      expect(receipt.messageId).toBe(join.messageId);
      expect(sent).toHaveLength(1);
      const [event] = await tester.eventsOf(await join.echo(sent[0]!, receipt));
      expect(event!.messageId).toBe(receipt.messageId);
      expect(event!.tags).toEqual(join.message.tags);
      expect(event!.metadata).toEqual(join.message.metadata);
    });
  });
}
