// The suppression list and a mailer's check against it: what is kept, and what a send to a suppressed
// recipient does (rejects before any provider is called, or leaves the recipient out when asked to).
import { describe, expect, it } from "vitest";
import {
  createMailer,
  createSuppressionList,
  MailError,
  type MailEvent,
  type MailerHooks,
  memorySuppressionStore,
  type SuppressionCheck,
  suppressFromEvents,
} from "../src/index.js";
import { createFakeClock } from "../src/testing/index.js";
import { FROM, message, scripted } from "./support/scripted-provider.js";

const T0 = Date.parse("2026-03-01T10:00:00Z");

function listAt(options: Partial<Parameters<typeof createSuppressionList>[0]> = {}) {
  let now = T0;
  const list = createSuppressionList({ store: memorySuppressionStore(), now: () => now, ...options });
  return { list, advance: (ms: number) => (now += ms) };
}

async function chain(
  check: Omit<SuppressionCheck, "list"> & { list?: SuppressionCheck["list"] },
  hooks?: MailerHooks,
) {
  const a = scripted("a");
  const b = scripted("b");
  const list = check.list ?? listAt().list;
  const mailer = await createMailer({
    from: FROM,
    providers: [a.setup(), b.setup()],
    clock: createFakeClock(),
    retry: { attempts: 3 },
    suppression: { ...check, list },
    ...(hooks ? { hooks } : undefined),
  });
  return { a, b, list, mailer };
}

describe("suppression list", () => {
  it("keeps an entry under the normalized address with its reason, provider, times and event", async () => {
    const { list, advance } = listAt();
    await list.add("Ann <Ann@Example.COM>", "hard-bounce", { provider: "postmark", eventId: "ev-1" });
    advance(60_000);
    await list.add("ann@example.com", "complaint", { provider: "resend", eventId: "ev-2" });
    expect(await list.list()).toEqual([
      {
        address: "ann@example.com",
        reason: "complaint",
        provider: "resend",
        firstAt: new Date(T0),
        lastAt: new Date(T0 + 60_000),
        eventId: "ev-2",
      },
    ]);
    expect(await list.check(["bob@example.com", "ANN@example.com"])).toEqual([
      undefined,
      (await list.list())[0],
    ]);
  });

  it("removes an entry and records the removal with who and why", async () => {
    const { list, advance } = listAt();
    const entry = await list.add("ann@example.com", "manual", { note: "asked by support" });
    advance(1000);
    expect(await list.remove("ANN@example.com", { by: "ops@example.com", note: "re-subscribed" })).toEqual(
      entry,
    );
    expect(await list.get("ann@example.com")).toBeUndefined();
    expect(await list.remove("ann@example.com")).toBeUndefined();
    expect(await list.removals()).toEqual([
      { entry, removedAt: new Date(T0 + 1000), by: "ops@example.com", note: "re-subscribed" },
    ]);
  });

  it("stores only a keyed hash when asked to; finds an entry by address or hash, by hash without the secret", async () => {
    const sameStore = memorySuppressionStore();
    const { list } = listAt({ store: sameStore, hashAddresses: { secret: "0123456789abcdef-secret" } });
    const entry = await list.add("ann@example.com", "unsubscribe");
    expect(entry.address).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(await list.list())).not.toContain("ann");
    expect(await list.get("Ann@Example.com")).toEqual(entry);
    expect(await list.get(entry.address)).toEqual(entry);
    const unkeyed = createSuppressionList({ store: sameStore });
    expect(await unkeyed.get("ann@example.com")).toBeUndefined();
    expect(await unkeyed.remove(entry.address, { by: "ops" })).toEqual(entry);
    const other = listAt({ hashAddresses: { secret: "another-secret-of-16+" } }).list;
    expect((await other.add("ann@example.com", "manual")).address).not.toBe(entry.address);
  });

  it("suppresses after the configured number of soft bounces within the window, not before", async () => {
    const { list, advance } = listAt({ softBounces: { count: 2, windowMs: 60_000 } });
    expect(await list.softBounce("ann@example.com", { provider: "brevo" })).toBeUndefined();
    advance(61_000);
    expect(await list.softBounce("ann@example.com", { provider: "brevo" })).toBeUndefined();
    expect(await list.get("ann@example.com")).toBeUndefined();
    advance(30_000);
    const entry = await list.softBounce("ann@example.com", { provider: "brevo", eventId: "ev-9" });
    expect(entry).toMatchObject({ reason: "hard-bounce", provider: "brevo", eventId: "ev-9" });
    expect(entry?.note).toBe("2 soft bounces within 60000 ms");
  });

  it("refuses a short hashing secret and a bad soft-bounce rule", () => {
    const store = memorySuppressionStore();
    expect(() => createSuppressionList({ store, hashAddresses: { secret: "short" } })).toThrow(
      "hashAddresses.secret must be a string of at least 16 characters",
    );
    expect(() => createSuppressionList({ store, softBounces: { count: 0, windowMs: 1 } })).toThrow(MailError);
  });
});

describe("a mailer with a suppression list", () => {
  it("rejects a message whose recipients are all suppressed with SUPPRESSED, no provider called", async () => {
    const { a, b, list, mailer } = await chain({});
    await list.add("ann@example.com", "hard-bounce");
    await list.add("cy@example.com", "complaint");
    const error = await mailer.send({ ...message, cc: "Cy <cy@example.com>" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailError);
    expect((error as MailError).toJSON()).toEqual({
      name: "MailError",
      code: "SUPPRESSED",
      message: "all 2 recipients are suppressed (hard-bounce: 1, complaint: 1); nothing was sent",
      retryable: false,
    });
    expect([a.requests.length, b.requests.length]).toEqual([0, 0]);
  });

  it("names the addresses only when asked to", async () => {
    const { list, mailer } = await chain({ nameAddresses: true });
    await list.add("ann@example.com", "unsubscribe");
    await expect(mailer.send(message)).rejects.toThrow(
      "the recipient is suppressed: ann@example.com (unsubscribe); nothing was sent",
    );
  });

  it("rejects a partly suppressed message by default, bcc included", async () => {
    const { a, list, mailer } = await chain({});
    await list.add("dee@example.com", "complaint");
    await expect(mailer.send({ ...message, bcc: ["dee@example.com"] })).rejects.toMatchObject({
      code: "SUPPRESSED",
      message:
        '1 of 2 recipients is suppressed (complaint: 1); nothing was sent (suppression.partly "send-to-rest" sends to the others)',
    });
    expect(a.requests).toHaveLength(0);
  });

  it('with partly "send-to-rest", sends to the others and names those left out on the receipt', async () => {
    const { a, list, mailer } = await chain({ partly: "send-to-rest" });
    await list.add("dee@example.com", "complaint");
    const receipt = await mailer.send({ ...message, cc: "Dee <DEE@example.com>", bcc: "eve@example.com" });
    expect(receipt).toEqual({
      provider: "a",
      messageId: "a-1",
      suppressed: [{ address: "DEE@example.com", reason: "complaint" }],
    });
    const sent = a.requests[0]!.message;
    expect([sent.to, sent.cc, sent.bcc]).toEqual([
      [{ address: "ann@example.com" }],
      [],
      [{ address: "eve@example.com" }],
    ]);
  });

  it('with partly "send-to-rest", still rejects when every to recipient is suppressed', async () => {
    const { a, list, mailer } = await chain({ partly: "send-to-rest" });
    await list.add("ann@example.com", "hard-bounce");
    await expect(mailer.send({ ...message, cc: "cy@example.com" })).rejects.toMatchObject({
      code: "SUPPRESSED",
      message: "every to recipient is suppressed; nothing was sent",
    });
    expect(a.requests).toHaveLength(0);
  });

  it("sends a message none of whose recipients is suppressed, with no suppressed field", async () => {
    const { list, mailer } = await chain({});
    await list.add("bob@example.com", "manual");
    await expect(mailer.send(message)).resolves.toEqual({ provider: "a", messageId: "a-1" });
  });

  it("tells the hooks' end event about a suppressed send", async () => {
    const ends: unknown[] = [];
    const { list, mailer } = await chain({}, { onSendEnd: (event) => ends.push(event.error?.code) });
    await list.add("ann@example.com", "manual");
    await expect(mailer.send(message)).rejects.toMatchObject({ code: "SUPPRESSED" });
    expect(ends).toEqual(["SUPPRESSED"]);
  });

  it("refuses a suppression option that is not a list, or an unknown partly", async () => {
    const a = scripted("a");
    const create = (suppression: unknown) =>
      createMailer({ from: FROM, providers: a.setup(), suppression: suppression as SuppressionCheck });
    await expect(create({ list: {} })).rejects.toMatchObject({ code: "CONFIG", field: "suppression" });
    await expect(create({ list: listAt().list, partly: "skip" })).rejects.toThrow(
      'suppression.partly must be "reject" or "send-to-rest"',
    );
  });
});

describe("suppressFromEvents", () => {
  const event = (
    type: MailEvent["type"],
    recipient: string | undefined,
    extra: Partial<MailEvent> = {},
  ): MailEvent => ({
    type,
    provider: "postmark",
    messageId: "m-1",
    recipient,
    timestamp: new Date(T0),
    eventId: `ev-${type}`,
    vendorType: type,
    tags: [],
    metadata: {},
    raw: {},
    ...extra,
  });

  it("suppresses hard bounces, complaints and unsubscribes with the event's provider, time and id", async () => {
    const { list } = listAt();
    const events = [
      event("bounced", "ann@example.com", { bounce: { kind: "hard" } }),
      event("complained", "bob@example.com", { provider: "sendgrid" }),
      event("unsubscribed", "cy@example.com"),
      event("delivered", "dee@example.com"),
      event("opened", "eve@example.com"),
      event("rejected", "fay@example.com", { bounce: { kind: "undetermined" } }),
      event("complained", undefined),
      event("complained", "not an address"),
    ];
    await suppressFromEvents(list, events);
    const added = await list.list();
    expect(added.map((entry) => [entry.address, entry.reason, entry.provider, entry.eventId])).toEqual([
      ["ann@example.com", "hard-bounce", "postmark", "ev-bounced"],
      ["bob@example.com", "complaint", "sendgrid", "ev-complained"],
      ["cy@example.com", "unsubscribe", "postmark", "ev-unsubscribed"],
    ]);
    expect(added[0]!.firstAt).toEqual(new Date(T0));
  });

  it("suppresses on soft bounces only at the list's count within its window", async () => {
    const { list } = listAt({ softBounces: { count: 3, windowMs: 3_600_000 } });
    const soft = (minutes: number) =>
      event("bounced", "ann@example.com", {
        bounce: { kind: "soft" },
        timestamp: new Date(T0 + minutes * 60_000),
      });
    await suppressFromEvents(list, [soft(0), soft(10)]);
    expect(await list.get("ann@example.com")).toBeUndefined();
    await suppressFromEvents(list, [soft(20)]);
    expect(await list.get("ann@example.com")).toMatchObject({ reason: "hard-bounce", provider: "postmark" });
  });

  it("fails when the store fails, so the webhook answers 500 and the vendor sends again", async () => {
    const store = { ...memorySuppressionStore(), put: () => Promise.reject(new Error("store down")) };
    const list = createSuppressionList({ store });
    await expect(suppressFromEvents(list, [event("complained", "ann@example.com")])).rejects.toThrow(
      "store down",
    );
  });
});
