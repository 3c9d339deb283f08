import { describe, expect, it, vi } from "vitest";
import {
  createWebhookHandler,
  DEFAULT_DEDUPE_TTL_MS,
  dedupeEvents,
  dedupeKey,
  type MailEvent,
  memoryReplayStore,
} from "../src/index.js";
import { WebhookError } from "../src/provider.js";

describe("memoryReplayStore", () => {
  it("lets one claim of a key win until it expires", async () => {
    let now = 1000;
    const store = memoryReplayStore({ now: () => now });
    expect(await store.claim("t1", 1000)).toBe(true);
    expect(await store.claim("t1", 1000)).toBe(false);
    now = 1999;
    expect(await store.claim("t1", 1000)).toBe(false);
    now = 2000;
    expect(await store.claim("t1", 1000)).toBe(true);
  });

  it("refuses with 503 and Retry-After when every key is alive, evicting none", async () => {
    let now = 0;
    const store = memoryReplayStore({ maxEntries: 2, now: () => now });
    await store.claim("a", 10_000);
    await store.claim("b", 20_000);
    now = 2500;
    const refused = await store.claim("c", 10_000).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WebhookError);
    expect(refused).toMatchObject({ status: 503, headers: { "retry-after": "8" } });
    // Nothing was forgotten: the live keys are still claimed.
    expect(await store.claim("a", 10_000)).toBe(false);
    expect(await store.claim("b", 10_000)).toBe(false);
    now = 10_000;
    expect(await store.claim("c", 10_000)).toBe(true);
    expect(await store.claim("b", 10_000)).toBe(false);
  });

  it("finds expired keys behind longer-lived ones when it is full", async () => {
    let now = 0;
    const store = memoryReplayStore({ maxEntries: 2, now: () => now });
    await store.claim("long", 60_000);
    await store.claim("short", 1000);
    now = 1000;
    expect(await store.claim("new", 1000)).toBe(true);
    expect(await store.claim("long", 1000)).toBe(false);
  });

  it("releases a claim, and keeps one longer", async () => {
    let now = 0;
    const store = memoryReplayStore({ now: () => now });
    await store.claim("k", 100);
    await store.release("k");
    expect(await store.claim("k", 100)).toBe(true);
    await store.keep("k", 10_000);
    now = 5000;
    expect(await store.claim("k", 100)).toBe(false);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    "refuses maxEntries %s with CONFIG naming it",
    (maxEntries) => {
      expect(() => memoryReplayStore({ maxEntries })).toThrow(
        expect.objectContaining({ code: "CONFIG", field: "maxEntries" }),
      );
    },
  );
});

function event(overrides: Partial<MailEvent> = {}): MailEvent {
  return {
    type: "delivered",
    provider: "sendgrid",
    messageId: "m-1",
    recipient: "ann@example.com",
    timestamp: new Date(1000),
    eventId: "ev-1",
    vendorType: "delivered",
    tags: [],
    metadata: {},
    raw: {},
    ...overrides,
  };
}

describe("dedupeEvents", () => {
  it("hands each event over once across batches and within one", async () => {
    const handed: string[][] = [];
    const onEvents = dedupeEvents((events) => void handed.push(events.map((e) => e.eventId ?? "-")), {
      store: memoryReplayStore(),
    });
    await onEvents([event(), event({ eventId: "ev-2" }), event({ eventId: "ev-2" })]);
    await onEvents([event({ eventId: "ev-2" }), event({ eventId: "ev-3" })]);
    await onEvents([event()]);
    expect(handed).toEqual([["ev-1", "ev-2"], ["ev-3"]]);
  });

  it("tells apart the recipients one SNS message fans out to, and events without ids by message, type and time", () => {
    const ses = event({ provider: "amazon_ses", eventId: "sns-1", vendorType: "Bounce" });
    expect(dedupeKey(ses)).not.toBe(dedupeKey({ ...ses, recipient: "bob@example.com" }));
    const { eventId: _, ...mailjet } = event({ provider: "mailjet", vendorType: "open" });
    expect(dedupeKey(mailjet)).toBe(dedupeKey({ ...mailjet, raw: { again: true } }));
    expect(dedupeKey(mailjet)).not.toBe(dedupeKey({ ...mailjet, timestamp: new Date(2000) }));
    expect(dedupeKey(mailjet)).not.toBe(dedupeKey({ ...mailjet, vendorType: "click" }));
    expect(dedupeKey({ ...mailjet, messageId: undefined })).toBeUndefined();
  });

  it("releases the claims when onEvents rejects, so the vendor's next post is handled", async () => {
    const store = memoryReplayStore();
    let fail = true;
    const handed: MailEvent[][] = [];
    const onEvents = dedupeEvents(
      (events) => {
        if (fail) throw new Error("database down");
        handed.push([...events]);
      },
      { store },
    );
    await expect(onEvents([event()])).rejects.toThrow("database down");
    fail = false;
    await onEvents([event()]);
    expect(handed).toHaveLength(1);
  });

  it("holds an event only for the lease while onEvents runs, then keeps it for ttlMs", async () => {
    let now = 0;
    const store = memoryReplayStore({ now: () => now });
    const claim = vi.spyOn(store, "claim");
    const keep = vi.spyOn(store, "keep");
    const onEvents = dedupeEvents(() => {}, { store, leaseMs: 5000 });
    await onEvents([event()]);
    expect(claim.mock.calls[0]![1]).toBe(5000);
    expect(keep.mock.calls[0]![1]).toBe(DEFAULT_DEDUPE_TTL_MS);
    now = DEFAULT_DEDUPE_TTL_MS - 1;
    expect(await store.claim(dedupeKey(event())!, 1)).toBe(false);
  });

  it("handles again an event whose handler died mid-way once the lease lapsed", async () => {
    let now = 0;
    const store = memoryReplayStore({ now: () => now });
    // A process claimed it with the lease, then died before storing or releasing.
    await store.claim(dedupeKey(event())!, 60_000);
    const handed: MailEvent[] = [];
    const onEvents = dedupeEvents((events) => void handed.push(...events), { store });
    await onEvents([event()]);
    expect(handed).toEqual([]);
    now = 60_000;
    await onEvents([event()]);
    expect(handed).toHaveLength(1);
  });

  it("makes the handler answer the vendor's retry status with Retry-After when the store is full", async () => {
    const store = memoryReplayStore({ maxEntries: 1, now: () => 0 });
    const handler = createWebhookHandler(
      {
        provider: "sendgrid",
        parse: (request) => [event({ eventId: new TextDecoder().decode(request.body) })],
      },
      { onEvents: dedupeEvents(() => {}, { store }) },
    );
    const post = (id: string) => new Request("https://app.example/hook", { method: "POST", body: id });
    expect((await handler(post("ev-1"))).status).toBe(200);
    const full = await handler(post("ev-2"));
    expect([full.status, full.headers.get("retry-after")]).toEqual([
      503,
      String(DEFAULT_DEDUPE_TTL_MS / 1000),
    ]);
  });

  it.each(["ttlMs", "leaseMs"] as const)(
    "refuses a %s that is not a positive number with CONFIG",
    (field) => {
      expect(() => dedupeEvents(() => {}, { store: memoryReplayStore(), [field]: Number.NaN })).toThrow(
        expect.objectContaining({ code: "CONFIG", field }),
      );
    },
  );
});
