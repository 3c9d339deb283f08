// `@posse/mail-core/webhooks`: receiving delivery events, and what a vendor's webhook module needs to
// verify and normalize them, with no Node built-in anywhere below it (Web APIs and WebCrypto only), so a
// Worker, Bun, Deno or Node bundle of a provider's `/webhooks` subpath holds no `node:` import.
// Node's (req, res) adapter stays on the main entry (`toNodeHandler`). test/surfaces.test.ts lists this
// entry too, and test/webhooks-entry.test.ts checks that its build imports nothing else.
export {
  type EnvSource,
  envValue,
} from "../configuration/env-values.js";
export { isMailError, MailError, type MailErrorCode, type MailErrorOptions } from "../errors/mail-error.js";
export { limitResponseBody, readCappedText } from "../http/response-limit.js";
export { type Clock, systemClock } from "../sending/clock.js";
export {
  defaultWebhookEnv,
  missingWebhookSecret,
  resolveSharedSecret,
  type SharedSecretWebhookOptions,
  sharedSecretFromEnv,
  warnUnverifiedWebhook,
} from "./config.js";
export { fromBase64, hmacSha256, timingSafeEqual, toBase64, toHex } from "./crypto.js";
export {
  DEFAULT_DEDUPE_TTL_MS,
  type DedupeEventsOptions,
  dedupeEvents,
  dedupeKey,
} from "./dedupe-events.js";
export type {
  WebhookDefinition,
  WebhookHead,
  WebhookParseResult,
  WebhookRequest,
} from "./definition.js";
export type { MailBounce, MailEvent, MailEventType } from "./event.js";
export {
  createWebhookHandler,
  DEFAULT_WEBHOOK_MAX_BODY_BYTES,
  DEFAULT_WEBHOOK_RETRY_STATUS,
  type WebhookHandlerOptions,
} from "./handler.js";
export { type NumberOption, positiveOption } from "./option-checks.js";
export {
  bodyText,
  isJsonObject,
  jsonRecords,
  optionalString,
  parseJsonBody,
  toStringRecord,
} from "./parse-body.js";
export { readLimitedBody } from "./read-body.js";
export {
  type MemoryReplayStoreOptions,
  memoryReplayStore,
  type ReplayStore,
} from "./replay-store.js";
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
