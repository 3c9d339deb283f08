import type { SuppressionEntry, SuppressionRemoval, SuppressionStore } from "./suppression-store.js";

/** A suppression store in this process's memory: for tests and single-process apps; lost on exit. */
export function memorySuppressionStore(): SuppressionStore {
  const entries = new Map<string, SuppressionEntry>();
  const removed: SuppressionRemoval[] = [];
  const softBounces = new Map<string, number[]>();
  return {
    async find(keys) {
      return keys.flatMap((key) => entries.get(key) ?? []);
    },
    async put(entry) {
      const known = entries.get(entry.address);
      const firstAt = known && known.firstAt < entry.firstAt ? known.firstAt : entry.firstAt;
      entries.set(entry.address, { ...entry, firstAt });
    },
    async remove(removal) {
      if (entries.delete(removal.entry.address)) removed.push(removal);
    },
    async list() {
      return [...entries.values()];
    },
    async removals() {
      return [...removed];
    },
    async countSoftBounce(key, at, windowMs) {
      const since = at.getTime() - windowMs;
      const times = [...(softBounces.get(key) ?? []), at.getTime()].filter((time) => time > since);
      softBounces.set(key, times);
      return times.length;
    },
  };
}
