import { MailError } from "@posse/mail-core";
import { isLoopbackAddress } from "@posse/mail-core/provider";
import { Cluster, Redis } from "ioredis";

/** Where a queue lives: its Redis server, its name and the prefix of its keys. */
export interface QueueLocation {
  /** Redis URL, e.g. `redis://127.0.0.1:6379` or `rediss://…` (`MAIL_QUEUE_URL`). */
  readonly url: string;
  /** Queue name; default `mail`. One queue per provider chain (its rate limit and 429 pause are the queue's). */
  readonly name?: string;
  /** Key prefix; default `{posse-mail}`, a Redis Cluster hash tag that keeps a queue's keys in one slot. */
  readonly prefix?: string;
  /**
   * Allow `redis://` (no TLS) to a host that is not this machine (`MAIL_QUEUE_ALLOW_PLAINTEXT=true`), on a
   * network you trust; default false: the password and every message would cross it in clear text.
   */
  readonly allowPlaintext?: boolean;
  /**
   * The url names one node of a Redis Cluster (`MAIL_QUEUE_CLUSTER=true`): ioredis finds the others and
   * follows the slots. Keep the prefix a hash tag (the default is one) so a queue's keys share a slot.
   */
  readonly cluster?: boolean;
}

/** The default queue name. */
export const DEFAULT_QUEUE_NAME = "mail";
/** The default key prefix (a hash tag, for Redis Cluster). */
export const DEFAULT_PREFIX = "{posse-mail}";

/** Whether a parsed `redis://` URL (no TLS) leads to another machine (core's loopback rule). */
export function inClearToAnotherMachine(url: URL): boolean {
  return url.protocol === "redis:" && !isLoopbackAddress(url.hostname);
}

/**
 * Whether keys starting with `prefix` hash by a tag in it (Redis Cluster's rule: the text between the first
 * `{` and the next `}`, when not empty), so that they share one slot.
 */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf("{");
  return open >= 0 && prefix.indexOf("}", open + 1) > open + 1;
}

/** Checks the location and fills in the defaults. */
export function resolveLocation(location: QueueLocation): Required<Omit<QueueLocation, "allowPlaintext">> {
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
  if (inClearToAnotherMachine(parsed) && location.allowPlaintext !== true) {
    throw new MailError(
      "CONFIG",
      "the queue's url (MAIL_QUEUE_URL) is redis:// to another machine: its password and every message would cross the network in clear text; use rediss://, or set MAIL_QUEUE_ALLOW_PLAINTEXT=true (allowPlaintext) on a network you trust",
    );
  }
  const name = location.name ?? DEFAULT_QUEUE_NAME;
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name)) {
    throw new MailError("CONFIG", "the queue name (MAIL_QUEUE_NAME) must be 1 to 100 of A-Z a-z 0-9 _ . -");
  }
  const prefix = location.prefix ?? DEFAULT_PREFIX;
  if (prefix.length === 0 || prefix.includes(":")) {
    throw new MailError("CONFIG", "the queue prefix (MAIL_QUEUE_PREFIX) must be non-empty and without ':'");
  }
  if (location.cluster === true && !hasHashTag(prefix)) {
    throw new MailError(
      "CONFIG",
      "the queue prefix (MAIL_QUEUE_PREFIX) must hold a {hash tag} on a Redis Cluster (the default {posse-mail} is one): a queue's keys must share a slot",
    );
  }
  return { url, name, prefix, cluster: location.cluster === true };
}

/** A connection to one Redis server, or to a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** The Redis connections of one queue or worker: their errors kept, never printed, all closed together. */
export interface Connections {
  /** The connection handed to BullMQ; its duplicates (a worker's blocking connection) are tracked too. */
  readonly redis: RedisClient;
  /** The latest connection error as its code only (`WRONGPASS`, `ECONNREFUSED`, …): no host, no password. */
  lastError(): string | undefined;
  /** Quits the connections that are up (at most `QUIT_WAIT_MS` each), then disconnects every one; idempotent. */
  close(): Promise<void>;
}

/** How long `close` waits for Redis to answer QUIT before dropping the connection. */
const QUIT_WAIT_MS = 2000;

/**
 * What an error of a Redis connection was, safe to print: a system error's code, the error word a Redis
 * reply starts with, or the error's class. Never its message (which can hold the host or a command).
 */
export function connectionErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && /^[A-Z][A-Z0-9_]*$/.test(code)) return code;
  const message = error instanceof Error ? error.message : "";
  const reply = /^(?:Ready check failed: )?([A-Z][A-Z0-9_]+)(?= )/.exec(message)?.[1];
  if (reply) return reply;
  const name = error instanceof Error ? error.name : "";
  return /^[A-Za-z]+$/.test(name) ? name : "Error";
}

/** Sends QUIT to a connection that is up and waits for its answer a while; drops the connection in any case. */
async function end(client: RedisClient): Promise<void> {
  if (client.status === "ready") {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, QUIT_WAIT_MS);
    });
    await Promise.race([client.quit().catch(() => undefined), waited]);
    clearTimeout(timer);
  }
  // Also stops the reconnecting of a connection that never came up (a refused password, no server).
  client.disconnect();
}

/**
 * Opens the Redis connection of a queue or worker. Workers block on Redis and must wait through a
 * reconnect, so they need `maxRetriesPerRequest: null`; a producer fails a command after a few retries.
 * Every connection (and every duplicate BullMQ makes of it) gets an error listener that keeps the error's
 * code, so ioredis never prints an unhandled error event, and is ended by `close`.
 */
/** A Cluster client from the URL of one of its nodes: its credentials and TLS apply to every node. */
function clusterClient(url: string, maxRetriesPerRequest: number | null): Cluster {
  const parsed = new URL(url);
  const node = { host: parsed.hostname.replace(/^\[|\]$/g, ""), port: Number(parsed.port || 6379) };
  return new Cluster([node], {
    enableOfflineQueue: true,
    redisOptions: {
      maxRetriesPerRequest,
      ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
      ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
      ...(parsed.protocol === "rediss:" && { tls: { servername: node.host } }),
    },
  });
}

export function connect(url: string, role: "producer" | "worker", cluster = false): Connections {
  const clients: RedisClient[] = [];
  let last: string | undefined;
  let closing: Promise<void> | undefined;
  const track = <C extends RedisClient>(client: C): C => {
    clients.push(client);
    if (closing) void end(client); // made after close: BullMQ duplicating while it shuts down
    client.on("error", (error: unknown) => {
      last = connectionErrorCode(error);
    });
    const duplicate = client.duplicate.bind(client) as (...args: unknown[]) => C;
    (client as { duplicate: unknown }).duplicate = (...args: unknown[]) => track(duplicate(...args));
    return client;
  };
  const maxRetriesPerRequest = role === "worker" ? null : 3;
  const redis = track(
    cluster
      ? clusterClient(url, maxRetriesPerRequest)
      : new Redis(url, { maxRetriesPerRequest, enableOfflineQueue: true }),
  );
  return {
    redis,
    lastError: () => last,
    close() {
      closing ??= Promise.all(clients.map(end)).then(() => undefined);
      return closing;
    },
  };
}

/** Builds something on the connections (a BullMQ queue or worker); when that throws, closes them first. */
export function closeOnThrow<T>(connections: Connections, build: () => T): T {
  try {
    return build();
  } catch (error) {
    void connections.close();
    throw error;
  }
}
