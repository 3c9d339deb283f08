export {
  type ConfigProblem,
  checkProviderEnv,
  readProviderEnv,
} from "./configuration/check-env.js";
export {
  type ConfigField,
  type ConfigKind,
  type ConfigSchema,
  type NestedConfigSchema,
  validateConfig,
} from "./configuration/config-schema.js";
export {
  type CreateMailerFromEnvOptions,
  createMailerFromEnv,
  fromAddressFromEnv,
} from "./configuration/create-mailer-from-env.js";
export type { EnvFormat } from "./configuration/env-formats.js";
export {
  detectionVariables,
  type EnvSource,
  type EnvValues,
  type EnvVar,
  envValue,
  isDetected,
  missingVariables,
} from "./configuration/env-values.js";
export {
  type MailProviderResolution,
  type PassedOverProvider,
  parseProviderList,
  type ResolveMailProviderOptions,
  resolveMailProvider,
} from "./configuration/resolve-provider.js";
export {
  isMailError,
  MailError,
  type MailErrorCode,
  type MailErrorOptions,
  unsupportedField,
} from "./errors/mail-error.js";
export { escapeControlCharacters } from "./errors/vendor-text.js";
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
export {
  declaredWithinLimit,
  limitedFetch,
  limitResponseBody,
  MAX_RESPONSE_BYTES,
  ResponseTooLargeError,
  readCappedText,
} from "./http/response-limit.js";
export {
  type AddressInput,
  formatAddress,
  isValidAddress,
  type MailAddress,
  parseAddress,
} from "./message/address.js";
export { encodeWords, needsEncodedWords } from "./message/encoded-words.js";
export {
  IDEMPOTENCY_HEADER,
  type MailAttachment,
  type MailMessage,
  type NormalizedAttachment,
  type NormalizedMessage,
  normalizeMessage,
  type Recipients,
} from "./message/message.js";
export { BUILTIN_PROVIDERS, type BuiltinProvider, builtinProvider } from "./providers/builtin-providers.js";
export {
  defineProvider,
  type MailTransport,
  type ProviderContext,
  type ProviderDefinition,
  type RequestContext,
  type SendResult,
} from "./providers/define-provider.js";
export {
  getRegisteredProvider,
  listProviders,
  type ProviderInfo,
  registerProvider,
} from "./providers/registry.js";
export { type Clock, systemClock } from "./sending/clock.js";
export { createMailer } from "./sending/create-mailer.js";
export type {
  MailEventBase,
  MailerHooks,
  SendEndEvent,
  SendErrorEvent,
  SendEvent,
  SendStartEvent,
  SentEvent,
} from "./sending/events.js";
export type {
  CreateMailerOptions,
  Mailer,
  MailerOptions,
  ProviderSetup,
  ProviderSetups,
  SendOptions,
  SendReceipt,
} from "./sending/mailer.js";
export { DEFAULT_RETRY, type RetryOptions, type RetryPolicy } from "./sending/retry-policy.js";
export { useProvider } from "./sending/use-provider.js";
export * from "./webhooks/index.js";
