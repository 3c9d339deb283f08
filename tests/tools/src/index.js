export { startRedisCluster } from "./redis-cluster.js";
export { startRedis } from "./redis-server.js";
export {
  debianInstall,
  findOnPath,
  locateSystemTool,
  missingSystemTools,
  SYSTEM_TOOLS,
} from "./system-tools.js";
