import { MailError } from "@posse/mail-core";
import { Redis } from "ioredis";

/** Where a queue lives: its Redis server, its name and the prefix of its keys. */
export interface QueueLocation {
  /** Redis URL, e.g. `redis://127.0.0.1:6379` or `rediss://…` (`MAIL_QUEUE_URL`). */
  readonly url: string;
  /** Queue name; default `mail`. One queue per provider chain (its rate limit and 429 pause are the queue's). */
  readonly name?: string;
  /** Key prefix; default `{posse-mail}`, a Redis Cluster hash tag that keeps a queue's keys in one slot. */
  readonly prefix?: string;
}

/** The default queue name. */
export const DEFAULT_QUEUE_NAME = "mail";
/** The default key prefix (a hash tag, for Redis Cluster). */
export const DEFAULT_PREFIX = "{posse-mail}";

/** Checks the location and fills in the defaults. */
export function resolveLocation(location: QueueLocation): Required<QueueLocation> {
  const { url } = location;
  let parsed: URL | undefined;
  try {
    parsed = typeof url === "string" ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:")) {
    throw new MailError("CONFIG", "the queue's url (MAIL_QUEUE_URL) must be a redis:// or rediss:// URL");
  }
  const name = location.name ?? DEFAULT_QUEUE_NAME;
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name)) {
    throw new MailError("CONFIG", "the queue name (MAIL_QUEUE_NAME) must be 1 to 100 of A-Z a-z 0-9 _ . -");
  }
  const prefix = location.prefix ?? DEFAULT_PREFIX;
  if (prefix.length === 0 || prefix.includes(":")) {
    throw new MailError("CONFIG", "the queue prefix (MAIL_QUEUE_PREFIX) must be non-empty and without ':'");
  }
  return { url, name, prefix };
}

/**
 * A Redis connection. Workers block on Redis and must wait through a reconnect, so they need
 * `maxRetriesPerRequest: null`; a producer fails a command after a few retries instead.
 */
export function connect(url: string, role: "producer" | "worker"): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === "worker" ? null : 3,
    enableOfflineQueue: true,
  });
}
