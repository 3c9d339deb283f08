import { MailError } from "../errors/mail-error.js";
import { type KeyOf, keyMaker } from "./suppression-key.js";
import type {
  SuppressionEntry,
  SuppressionReason,
  SuppressionRemoval,
  SuppressionStore,
} from "./suppression-store.js";

/** Options of {@link createSuppressionList}. */
export interface SuppressionListOptions {
  /** Where entries are kept: `memorySuppressionStore()`, or `redisSuppressionStore` of `@posse/mail-queue/suppression`. */
  readonly store: SuppressionStore;
  /** Keep addresses as keyed hashes (HMAC-SHA-256 under `secret`) instead of in clear. */
  readonly hashAddresses?: { readonly secret: string };
  /** Soft bounces that suppress an address: `count` within `windowMs`. Default 3 within 3 days. */
  readonly softBounces?: { readonly count: number; readonly windowMs: number };
  /** Clock for entries' times; default `Date.now`. */
  readonly now?: () => number;
}

/** What an entry is recorded with. */
export interface SuppressionDetails {
  /** The provider whose event caused it. */
  readonly provider?: string;
  /** The vendor's id of that event. */
  readonly eventId?: string;
  /** When it happened; default now. */
  readonly at?: Date;
  /** A note for operators. */
  readonly note?: string;
}

/** Who removes an entry, and why. */
export interface RemovalDetails {
  /** Who or what removes it. */
  readonly by?: string;
  /** Why. */
  readonly note?: string;
}

/** The addresses a mailer must not send to, and why; shared by every mailer and process given its store. */
export interface SuppressionList {
  /** For each address (or `hmac-sha256:` key), in order, its entry when it is suppressed. */
  check(addresses: readonly string[]): Promise<(SuppressionEntry | undefined)[]>;
  /** The entry of one address or key, if suppressed. */
  get(address: string): Promise<SuppressionEntry | undefined>;
  /** Suppresses an address (again: updates its last time, reason and event). */
  add(address: string, reason: SuppressionReason, details?: SuppressionDetails): Promise<SuppressionEntry>;
  /** Lifts an address's suppression and records the removal; resolves with the removed entry, if any. */
  remove(address: string, details?: RemovalDetails): Promise<SuppressionEntry | undefined>;
  /** Every entry. */
  list(): Promise<SuppressionEntry[]>;
  /** Every removal recorded, oldest first. */
  removals(): Promise<SuppressionRemoval[]>;
  /** Records a soft bounce; resolves with the entry when it was the one too many within the window. */
  softBounce(address: string, details?: SuppressionDetails): Promise<SuppressionEntry | undefined>;
}

const DAY_MS = 86_400_000;

function softBounceRule(options: SuppressionListOptions["softBounces"]) {
  const rule = options ?? { count: 3, windowMs: 3 * DAY_MS };
  if (!Number.isInteger(rule.count) || rule.count < 1 || !(rule.windowMs > 0)) {
    throw new MailError("CONFIG", "softBounces needs a whole count of at least 1 and a positive windowMs");
  }
  return rule;
}

/** A suppression list over a store. */
export function createSuppressionList(options: SuppressionListOptions): SuppressionList {
  const { store } = options;
  const keyOf: KeyOf = keyMaker(options.hashAddresses?.secret);
  const rule = softBounceRule(options.softBounces);
  const now = options.now ?? Date.now;
  const at = (details: SuppressionDetails) => details.at ?? new Date(now());
  const list: SuppressionList = {
    async check(addresses) {
      const keys = await Promise.all(addresses.map(keyOf));
      const found = new Map((await store.find(keys)).map((entry) => [entry.address, entry]));
      return keys.map((key) => found.get(key));
    },
    get: async (address) => (await store.find([await keyOf(address)]))[0],
    async add(address, reason, details = {}) {
      const when = at(details);
      const entry: SuppressionEntry = {
        address: await keyOf(address),
        reason,
        provider: details.provider,
        firstAt: when,
        lastAt: when,
        eventId: details.eventId,
        ...(details.note === undefined ? undefined : { note: details.note }),
      };
      await store.put(entry);
      return (await store.find([entry.address]))[0] ?? entry;
    },
    async remove(address, details = {}) {
      const entry = await list.get(address);
      if (entry === undefined) return undefined;
      await store.remove({ entry, removedAt: new Date(now()), ...details });
      return entry;
    },
    list: () => store.list(),
    removals: () => store.removals(),
    async softBounce(address, details = {}) {
      const count = await store.countSoftBounce(await keyOf(address), at(details), rule.windowMs);
      if (count < rule.count) return undefined;
      return list.add(address, "hard-bounce", {
        note: `${count} soft bounces within ${rule.windowMs} ms`,
        ...details,
      });
    },
  };
  return list;
}
