// `@posse/mail-queue/suppression`: the Redis store of @posse/mail-core's suppression list.
export {
  type RedisSuppressionStore,
  type RedisSuppressionStoreOptions,
  redisSuppressionStore,
} from "./suppression/redis-suppression-store.js";
