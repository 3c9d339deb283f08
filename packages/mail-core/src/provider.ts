// `@posse/mail-core/provider`: what a provider package needs to define, register and implement a
// provider and its webhook, and nothing an application needs to send (that is `@posse/mail-core`).
// test/surfaces.test.ts lists both, so every export is a decision.
export {
  type ConfigProblem,
  checkProviderEnv,
  type EnvCheck,
  readProviderEnv,
} from "./configuration/check-env.js";
export {
  type ConfigField,
  type ConfigKind,
  type ConfigSchema,
  type NestedConfigSchema,
  validateConfig,
} from "./configuration/config-schema.js";
export type { EnvFormat } from "./configuration/env-formats.js";
export { type EnvSource, type EnvValues, type EnvVar, envValue } from "./configuration/env-values.js";
export { parseProviderList } from "./configuration/resolve-provider.js";
export { registerKnownVariables } from "./configuration/variable-registry.js";
export {
  isMailError,
  MailError,
  type MailErrorCode,
  type MailErrorOptions,
  unsupportedField,
} from "./errors/mail-error.js";
export { escapeControlCharacters } from "./errors/vendor-text.js";
export { announcingDispatcher, type FetchDispatcher } from "./http/announcing-dispatcher.js";
export { requestCappedFetch } from "./http/capped-fetch.js";
export {
  answerTooLargeError,
  type CappedAnswer,
  type CappedRequest,
  requestCapped,
} from "./http/capped-request.js";
export {
  codeForStatus,
  type HttpFailure,
  httpFailure,
  isTlsFailureCode,
  noResponseFailure,
  parseRetryAfter,
  systemErrorCode,
  transportFailure,
} from "./http/classify-http.js";
export {
  isLoopbackAddress,
  isLoopbackHost,
  type PlainTextLogin,
  refusePlainHttp,
  sendsPasswordInClear,
} from "./http/plain-http.js";
export { holdUntilStarted, type RequestStarting } from "./http/request-gate.js";
export {
  declaredWithinLimit,
  limitedFetch,
  limitResponseBody,
  MAX_RESPONSE_BYTES,
  ResponseTooLargeError,
  readCappedText,
} from "./http/response-limit.js";
export { formatAddress, type MailAddress, parseAddress } from "./message/address.js";
export { encodeWords, needsEncodedWords } from "./message/encoded-words.js";
export {
  IDEMPOTENCY_HEADER,
  type NormalizedAttachment,
  type NormalizedMessage,
} from "./message/message.js";
export { type BuiltinProvider, builtinProvider } from "./providers/builtin-providers.js";
export {
  defineProvider,
  type MailTransport,
  type ProviderContext,
  type ProviderDefinition,
  type RequestContext,
  type SendResult,
} from "./providers/define-provider.js";
export { registerProvider } from "./providers/registry.js";
export {
  defaultWebhookEnv,
  missingWebhookSecret,
  resolveSharedSecret,
  type SharedSecretWebhookOptions,
  sharedSecretFromEnv,
  warnUnverifiedWebhook,
} from "./webhooks/config.js";
export { fromBase64, hmacSha256, timingSafeEqual, toBase64, toHex } from "./webhooks/crypto.js";
export type {
  WebhookDefinition,
  WebhookHead,
  WebhookParseResult,
  WebhookRequest,
} from "./webhooks/definition.js";
export type { MailBounce, MailEvent, MailEventType } from "./webhooks/event.js";
export { type NumberOption, positiveOption } from "./webhooks/option-checks.js";
export {
  bodyText,
  isJsonObject,
  jsonRecords,
  optionalString,
  parseJsonBody,
  toStringRecord,
} from "./webhooks/parse-body.js";
export { readLimitedBody } from "./webhooks/read-body.js";
export {
  type BasicCredentials,
  basicCredentialsOf,
  hasBasicCredentials,
  hasSharedSecret,
  type SharedSecretConfig,
  verifySharedSecret,
} from "./webhooks/shared-secret.js";
export {
  type SharedSecretVendor,
  type SharedSecretWebhookFactoryOptions,
  sharedSecretWebhook,
} from "./webhooks/shared-secret-webhook.js";
export { refuseStaleTimestamp } from "./webhooks/timestamp-window.js";
export { isWebhookError, WebhookError, type WebhookErrorStatus } from "./webhooks/webhook-error.js";
