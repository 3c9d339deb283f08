import { positiveOption } from "./option-checks.js";
import { WebhookError } from "./webhook-error.js";

/**
 * Where single-use values (Mailgun's signature tokens) and delivered event ids are claimed, so a replayed post is
 * refused and a redelivered event handled once. One process keeps them in memory; serverless functions and apps
 * in several processes need a store they share (`redisReplayStore` of `@posse/mail-queue/replay-store`).
 */
export interface ReplayStore {
  /**
   * Claims `key` for `ttlMs`: true when this call claimed it, false while an earlier claim lives. Rejects when it
   * cannot tell (a full memory store: WebhookError 503 with Retry-After; an unreachable Redis), so the vendor
   * posts again rather than an event being lost or replayed.
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Keeps a claimed `key` for `ttlMs` from now: the work it guarded is done, and its redeliveries are duplicates. */
  keep(key: string, ttlMs: number): Promise<void>;
  /** Drops a claim whose work failed, so the vendor's next post of it is handled. */
  release(key: string): Promise<void>;
}

/** Options of {@link memoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Most keys held at once; default 100 000 (about 15 MB). When all are unexpired, claims are refused, never evicted. */
  readonly maxEntries?: number;
  /** Epoch ms now; `Date.now` by default. */
  readonly now?: () => number;
}

function checkTtl(ttlMs: number): void {
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) throw new RangeError("ttlMs must be a positive number");
}

/**
 * A {@link ReplayStore} in this process's memory, for one long-running process. It holds at most `maxEntries`
 * keys: expired keys make room, and when every key is still alive a claim is refused with WebhookError 503 and
 * `Retry-After` (the vendor posts again later) instead of forgetting a live key, which would let a captured post
 * replay.
 */
export function memoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore {
  const maxEntries =
    positiveOption(options.maxEntries, {
      owner: "the memory replay store",
      field: "maxEntries",
      unit: "keys",
      whole: true,
    }) ?? 100_000;
  const now = options.now ?? Date.now;
  // Key → expiry (epoch ms), in insertion order; with one TTL per use that is also expiry order.
  const entries = new Map<string, number>();
  let nextFullSweep = 0;
  const sweep = (time: number) => {
    for (const [key, expiry] of entries) {
      if (expiry > time) break;
      entries.delete(key);
    }
    if (entries.size < maxEntries || time < nextFullSweep) return;
    // Keys of a longer TTL can hide expired ones behind them: one full pass, at most until the next expiry.
    let earliest = Number.POSITIVE_INFINITY;
    for (const [key, expiry] of entries) {
      if (expiry <= time) entries.delete(key);
      else earliest = Math.min(earliest, expiry);
    }
    nextFullSweep = earliest;
  };
  const full = (time: number) =>
    new WebhookError(503, "the replay store is full; send this post again later", {
      "retry-after": String(Math.max(1, Math.ceil((nextFullSweep - time) / 1000))),
    });
  return {
    async claim(key, ttlMs) {
      checkTtl(ttlMs);
      const time = now();
      const expiry = entries.get(key);
      if (expiry !== undefined && expiry > time) return false;
      entries.delete(key);
      sweep(time);
      if (entries.size >= maxEntries) throw full(time);
      entries.set(key, time + ttlMs);
      return true;
    },
    async keep(key, ttlMs) {
      checkTtl(ttlMs);
      const held = entries.delete(key);
      if (held || entries.size < maxEntries) entries.set(key, now() + ttlMs);
    },
    async release(key) {
      entries.delete(key);
    },
  };
}
