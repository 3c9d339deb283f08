import { randomUUID } from "node:crypto";
import { MailError, type SuppressionStore } from "@posse/mail-core";
import { connect, hasHashTag } from "../connection.js";
import { storeUrl } from "../store-url.js";
import { entryFromJson, entryToJson, removalFromJson } from "./stored-entry.js";

/** Options of {@link redisSuppressionStore}. */
export interface RedisSuppressionStoreOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379` (the queue's `MAIL_QUEUE_URL`). */
  readonly url: string;
  /** Key prefix; default `{posse-mail}:suppression` (its `{hash tag}` keeps the keys in one Redis Cluster slot). */
  readonly prefix?: string;
  /** Allow `redis://` (no TLS) to a host that is not this machine, on a network you trust; default false, as the queue. */
  readonly allowPlaintext?: boolean;
  /** The url names one node of a Redis Cluster (as the queue's `cluster`); the prefix must then hold a `{hash tag}`. */
  readonly cluster?: boolean;
}

/** A suppression store in Redis: shared by every process, kept across restarts. */
export interface RedisSuppressionStore extends SuppressionStore {
  /** Closes the connection. */
  close(): Promise<void>;
}

// Keeps the earliest firstAt of an entry already there (ISO times compare as strings).
const PUT = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
local entry = cjson.decode(ARGV[2])
if old then
  local first = cjson.decode(old).firstAt
  if first < entry.firstAt then entry.firstAt = first end
end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(entry))`;

// Records the removal only when there was an entry to remove.
const REMOVE = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then redis.call('RPUSH', KEYS[2], ARGV[2]) end`;

/** Opens a suppression store on Redis: entries in one hash, removals in a list, soft bounces in sorted sets. */
export function redisSuppressionStore(options: RedisSuppressionStoreOptions): RedisSuppressionStore {
  const url = storeUrl("redisSuppressionStore", options?.url, options?.allowPlaintext === true);
  const prefix = options.prefix ?? "{posse-mail}:suppression";
  // An entry's removal changes two keys in one script: on a cluster they must share a slot.
  if (options.cluster === true && !hasHashTag(prefix)) {
    throw new MailError(
      "CONFIG",
      "redisSuppressionStore: prefix must hold a {hash tag} on a Redis Cluster (the default {posse-mail}:suppression does), so that its keys share a slot",
      { field: "prefix" },
    );
  }
  const connections = connect(url, "producer", options.cluster === true);
  const { redis } = connections;
  const entries = `${prefix}:entries`;
  const removals = `${prefix}:removals`;
  return {
    async find(keys) {
      if (keys.length === 0) return [];
      const found = await redis.hmget(entries, ...keys);
      return found.flatMap((json) => (json === null ? [] : [entryFromJson(json)]));
    },
    async put(entry) {
      await redis.eval(PUT, 1, entries, entry.address, entryToJson(entry));
    },
    async remove(removal) {
      const json = JSON.stringify({ ...removal, entry: JSON.parse(entryToJson(removal.entry)) });
      await redis.eval(REMOVE, 2, entries, removals, removal.entry.address, json);
    },
    async list() {
      return Object.values(await redis.hgetall(entries)).map(entryFromJson);
    },
    async removals() {
      return (await redis.lrange(removals, 0, -1)).map(removalFromJson);
    },
    async countSoftBounce(key, at, windowMs) {
      const soft = `${prefix}:soft:${key}`;
      const time = at.getTime();
      const result = await redis
        .multi()
        .zadd(soft, time, `${time}:${randomUUID()}`)
        .zremrangebyscore(soft, "-inf", time - windowMs)
        .zcount(soft, `(${time - windowMs}`, time)
        .pexpire(soft, windowMs)
        .exec();
      return Number(result?.[2]?.[1] ?? 0);
    },
    close: () => connections.close(),
  };
}
