// A suppression list fed by each vendor's verified webhook posts, enforced on a failover chain of two other
// vendors: the post goes through the vendor's own webhook handler into suppressFromEvents, then a send to
// that address is rejected with SUPPRESSED before either vendor of the chain sees a request.
import {
  createMailerFromEnv,
  createSuppressionList,
  createWebhookHandler,
  memorySuppressionStore,
  type SuppressionList,
  suppressFromEvents,
} from "@posse/mail-core";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { answerAll, envFor, VENDORS } from "./vendors.js";
import { type Outcome, WEBHOOK_KITS, type WebhookKit } from "./webhook-posts.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const ADDRESS = "ann@example.com";
const MESSAGE = { to: "Ann <Ann@Example.com>", subject: "Sign in", text: "https://example.com/login/abc" };

/** The two vendors after `id`, in the list's order (wrapping round), each answering every request with 400. */
function chainAfter(id: string) {
  const at = VENDORS.findIndex((vendor) => vendor.id === id);
  const pair = [VENDORS[(at + 1) % VENDORS.length]!, VENDORS[(at + 2) % VENDORS.length]!];
  const answered = pair.map((vendor) => answerAll(vendor, () => vendor.errorAnswer(400, "refused")));
  server.use(...answered.map(({ handler }) => handler));
  const env = { ...envFor(pair[0]!), ...pair[1]!.env, MAIL_PROVIDER: `${pair[0]!.id},${pair[1]!.id}` };
  return { env, seen: answered.map(({ seen }) => seen) };
}

/** Posts through the kit's webhook handler, which hands the verified events to the list. */
async function deliverPost(kit: WebhookKit, list: SuppressionList, request: Request) {
  const handler = createWebhookHandler(kit.webhook(), {
    onEvents: (events) => suppressFromEvents(list, events),
  });
  const response = await handler(request);
  expect(response.status, await response.clone().text()).toBeLessThan(300);
}

const reasons: readonly [Outcome, string][] = [
  ["hard-bounce", "hard-bounce"],
  ["complaint", "complaint"],
  ["unsubscribe", "unsubscribe"],
];

describe.each(WEBHOOK_KITS)("$id", (kit) => {
  it.each(reasons.filter(([outcome]) => !kit.lacks?.includes(outcome)))(
    "a verified %s post suppresses the address on a chain of two other vendors: no request to either",
    async (outcome, reason) => {
      const list = createSuppressionList({ store: memorySuppressionStore() });
      await deliverPost(kit, list, kit.post(outcome, ADDRESS));
      expect(await list.get(ADDRESS)).toMatchObject({ address: ADDRESS, reason, provider: kit.id });
      const { env, seen } = chainAfter(kit.id);
      const mailer = await createMailerFromEnv({ env, suppression: { list } });
      await expect(mailer.send(MESSAGE)).rejects.toMatchObject({
        code: "SUPPRESSED",
        retryable: false,
        message: `the recipient is suppressed (${reason}: 1); nothing was sent`,
      });
      expect(seen.map((requests) => requests.length)).toEqual([0, 0]);
    },
  );

  it("soft bounces below the threshold do not suppress; the one that reaches it does", async () => {
    const list = createSuppressionList({
      store: memorySuppressionStore(),
      softBounces: { count: 3, windowMs: 86_400_000 },
    });
    await deliverPost(kit, list, kit.post("soft-bounce", ADDRESS, 1));
    await deliverPost(kit, list, kit.post("soft-bounce", ADDRESS, 2));
    expect(await list.get(ADDRESS)).toBeUndefined();
    const { env, seen } = chainAfter(kit.id);
    const mailer = await createMailerFromEnv({ env, suppression: { list } });
    await expect(mailer.send(MESSAGE)).rejects.toMatchObject({ code: "REJECTED" });
    expect(seen.map((requests) => requests.length)).toEqual([1, 1]);
    await deliverPost(kit, list, kit.post("soft-bounce", ADDRESS, 3));
    await expect(mailer.send(MESSAGE)).rejects.toMatchObject({ code: "SUPPRESSED" });
    expect(seen.map((requests) => requests.length)).toEqual([1, 1]);
  });
});
