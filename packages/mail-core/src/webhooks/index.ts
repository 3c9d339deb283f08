export {
  defaultWebhookEnv,
  missingWebhookSecret,
  resolveSharedSecret,
  type SharedSecretWebhookOptions,
  sharedSecretFromEnv,
  warnUnverifiedWebhook,
} from "./config.js";
export { fromBase64, hmacSha256, timingSafeEqual, toBase64, toHex } from "./crypto.js";
export type { WebhookDefinition, WebhookParseResult, WebhookRequest } from "./definition.js";
export type { MailBounce, MailEvent, MailEventType } from "./event.js";
export {
  createWebhookHandler,
  DEFAULT_WEBHOOK_MAX_BODY_BYTES,
  type WebhookHandlerOptions,
} from "./handler.js";
export {
  type NodeWebhookRequest,
  type NodeWebhookResponse,
  toNodeHandler,
  toWebRequest,
} from "./node-adapter.js";
export {
  bodyText,
  isJsonObject,
  jsonRecords,
  optionalString,
  parseJsonBody,
  toStringRecord,
} from "./parse-body.js";
export { readLimitedBody } from "./read-body.js";
export { memoryReplayCache, type ReplayCache } from "./replay-cache.js";
export {
  type BasicCredentials,
  basicCredentialsOf,
  hasBasicCredentials,
  hasSharedSecret,
  type SharedSecretConfig,
  verifySharedSecret,
} from "./shared-secret.js";
export {
  type SharedSecretVendor,
  type SharedSecretWebhookFactoryOptions,
  sharedSecretWebhook,
} from "./shared-secret-webhook.js";
export { refuseStaleTimestamp } from "./timestamp-window.js";
export { isWebhookError, WebhookError, type WebhookErrorStatus } from "./webhook-error.js";
