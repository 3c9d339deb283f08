import type { SuppressionEntry, SuppressionRemoval } from "@posse/mail-core";

/** An entry as JSON: times as ISO strings, an absent provider or event id left out. */
export function entryToJson(entry: SuppressionEntry): string {
  return JSON.stringify({
    ...entry,
    firstAt: entry.firstAt.toISOString(),
    lastAt: entry.lastAt.toISOString(),
  });
}

/** An entry read back: times as dates, absent fields as undefined. */
export function entryFromJson(json: string): SuppressionEntry {
  const stored = JSON.parse(json) as Record<string, unknown>;
  return {
    address: String(stored.address),
    reason: stored.reason as SuppressionEntry["reason"],
    provider: typeof stored.provider === "string" ? stored.provider : undefined,
    firstAt: new Date(String(stored.firstAt)),
    lastAt: new Date(String(stored.lastAt)),
    eventId: typeof stored.eventId === "string" ? stored.eventId : undefined,
    ...(typeof stored.note === "string" ? { note: stored.note } : undefined),
  };
}

/** A removal read back. */
export function removalFromJson(json: string): SuppressionRemoval {
  const stored = JSON.parse(json) as { entry: unknown; removedAt: string; by?: string; note?: string };
  return {
    entry: entryFromJson(JSON.stringify(stored.entry)),
    removedAt: new Date(stored.removedAt),
    ...(stored.by === undefined ? undefined : { by: stored.by }),
    ...(stored.note === undefined ? undefined : { note: stored.note }),
  };
}
