/** Why an address is suppressed. */
export type SuppressionReason = "hard-bounce" | "complaint" | "unsubscribe" | "manual";

/** One suppressed address. */
export interface SuppressionEntry {
  /** The normalized address (lower case), or its `hmac-sha256:` hash when the list hashes addresses. */
  readonly address: string;
  /** Why it is suppressed (the latest reason recorded). */
  readonly reason: SuppressionReason;
  /** The provider whose event caused it; undefined for a manual entry. */
  readonly provider: string | undefined;
  /** When it was first suppressed. */
  readonly firstAt: Date;
  /** When it was last recorded (a later bounce or complaint updates it). */
  readonly lastAt: Date;
  /** The vendor's id of the event that last recorded it, when there was one. */
  readonly eventId: string | undefined;
  /** A note an operator gave with a manual entry. */
  readonly note?: string;
}

/** A removed entry, kept so that every removal can be looked back at. */
export interface SuppressionRemoval {
  /** The entry as it was when removed. */
  readonly entry: SuppressionEntry;
  /** When it was removed. */
  readonly removedAt: Date;
  /** Who or what removed it (an operator's name, a script). */
  readonly by?: string;
  /** Why it was removed. */
  readonly note?: string;
}

/**
 * Where a suppression list keeps its entries, by key (the normalized address or its hash). Every method
 * may be called from several processes at once; `put` keeps the earliest `firstAt` of an existing entry.
 */
export interface SuppressionStore {
  /** The entries of those keys that are suppressed, in no particular order. */
  find(keys: readonly string[]): Promise<SuppressionEntry[]>;
  /** Adds an entry, or updates the one of that key (keeping its `firstAt`). */
  put(entry: SuppressionEntry): Promise<void>;
  /** Removes the entry of `removal.entry.address` and records the removal. */
  remove(removal: SuppressionRemoval): Promise<void>;
  /** Every entry, in no particular order. */
  list(): Promise<SuppressionEntry[]>;
  /** Every recorded removal, oldest first. */
  removals(): Promise<SuppressionRemoval[]>;
  /** Records a soft bounce of `key` at `at`; resolves with how many it had within `windowMs` up to `at`. */
  countSoftBounce(key: string, at: Date, windowMs: number): Promise<number>;
}
