/** Remembers single-use values (e.g. Mailgun's signature token) so a replayed request is refused. */
export interface ReplayCache {
  /**
   * Records `key` until `expiresAt` (epoch ms) and returns true when it had already been recorded and not yet
   * expired. A shared store (Redis SET NX with an expiry) makes the check hold across processes.
   */
  seen(key: string, expiresAt: number): boolean | Promise<boolean>;
}

/**
 * An in-memory {@link ReplayCache} for one process, bounded to `maxEntries` keys: expired keys go first,
 * then the oldest. Keys need to outlive only the timestamp window the verifier enforces.
 */
export function memoryReplayCache(options: { maxEntries?: number; now?: () => number } = {}): ReplayCache {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, number>();
  return {
    seen(key, expiresAt) {
      const time = now();
      const known = entries.get(key);
      if (known !== undefined && known > time) return true;
      entries.delete(key);
      if (entries.size >= maxEntries) {
        for (const [old, expiry] of entries) if (expiry <= time) entries.delete(old);
        // Map keeps insertion order: the first keys are the oldest.
        for (const old of entries.keys()) {
          if (entries.size < maxEntries) break;
          entries.delete(old);
        }
      }
      entries.set(key, expiresAt);
      return false;
    },
  };
}
