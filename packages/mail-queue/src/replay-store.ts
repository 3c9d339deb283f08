// `@posse/mail-queue/replay-store`: a webhook ReplayStore in Redis, shared by every process and function that
// receives a vendor's posts. Loads ioredis only (no BullMQ).
import { MailError, type ReplayStore } from "@posse/mail-core";
import { connect } from "./connection.js";
import { storeUrl } from "./store-url.js";

/** Options of {@link redisReplayStore}. */
export interface RedisReplayStoreOptions {
  /** Redis URL, `redis://` or `rediss://` (may hold the password), e.g. the queue's `MAIL_QUEUE_URL`. */
  readonly url: string;
  /** Prefix of its keys; default `{posse-mail}:replay:`. */
  readonly prefix?: string;
  /** Allow `redis://` (no TLS) to a host that is not this machine, on a network you trust; default false, as the queue. */
  readonly allowPlaintext?: boolean;
  /** The url names one node of a Redis Cluster (as the queue's `cluster`); each claim is one key. */
  readonly cluster?: boolean;
}

/** A {@link ReplayStore} in Redis, with the connection it opened. */
export interface RedisReplayStore extends ReplayStore {
  /** Closes the Redis connection. */
  close(): Promise<void>;
}

/** The default key prefix. */
export const DEFAULT_REPLAY_PREFIX = "{posse-mail}:replay:";

/**
 * A {@link ReplayStore} in Redis: a claim is `SET key 1 NX PX ttl` (atomic: of any number of processes, one
 * wins), keeping is `SET key 1 PX ttl`, releasing `DEL`. Expired keys vanish by themselves, and nothing is ever
 * evicted early unless the server's own memory policy does so (use `noeviction`, or a Redis of its own). When
 * Redis cannot be reached a claim rejects after a few reconnects, and the webhook asks the vendor to post again.
 */
export function redisReplayStore(options: RedisReplayStoreOptions): RedisReplayStore {
  const url = storeUrl("redisReplayStore", options?.url, options?.allowPlaintext === true);
  const prefix = options.prefix ?? DEFAULT_REPLAY_PREFIX;
  if (typeof prefix !== "string") {
    throw new MailError("CONFIG", "redisReplayStore: prefix must be a string", { field: "prefix" });
  }
  const { redis, close } = connect(url, "producer", options.cluster === true);
  const ttl = (ttlMs: number) => {
    if (!(Number.isFinite(ttlMs) && ttlMs > 0)) throw new RangeError("ttlMs must be a positive number");
    return Math.ceil(ttlMs);
  };
  return {
    async claim(key, ttlMs) {
      return (await redis.set(prefix + key, "1", "PX", ttl(ttlMs), "NX")) === "OK";
    },
    async keep(key, ttlMs) {
      await redis.set(prefix + key, "1", "PX", ttl(ttlMs));
    },
    async release(key) {
      await redis.del(prefix + key);
    },
    close,
  };
}
