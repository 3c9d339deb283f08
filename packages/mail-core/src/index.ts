export {
  type AddressInput,
  formatAddress,
  isValidAddress,
  type MailAddress,
  parseAddress,
} from "./address.js";
export { BUILTIN_PROVIDERS, type BuiltinProvider, builtinProvider } from "./builtin-providers.js";
export { requestCappedFetch } from "./capped-fetch.js";
export {
  answerTooLargeError,
  type CappedAnswer,
  type CappedRequest,
  requestCapped,
} from "./capped-request.js";
export {
  type ConfigProblem,
  checkProviderEnv,
  type EnvFormat,
  readProviderEnv,
} from "./check-env.js";
export {
  codeForStatus,
  type HttpFailure,
  httpFailure,
  isTlsFailureCode,
  noResponseFailure,
  parseRetryAfter,
  systemErrorCode,
  transportFailure,
} from "./classify-http.js";
export { type Clock, systemClock } from "./clock.js";
export {
  type ConfigField,
  type ConfigKind,
  type ConfigSchema,
  type NestedConfigSchema,
  validateConfig,
} from "./config-schema.js";
export {
  type CreateMailerFromEnvOptions,
  createMailerFromEnv,
  fromAddressFromEnv,
} from "./create-mailer-from-env.js";
export {
  defineProvider,
  detectionVariables,
  type EnvValues,
  type EnvVar,
  type MailTransport,
  type ProviderContext,
  type ProviderDefinition,
  type RequestContext,
  type SendResult,
} from "./define-provider.js";
export { encodeWords, needsEncodedWords } from "./encoded-words.js";
export { type EnvSource, envValue, isDetected, missingVariables } from "./env-values.js";
export {
  isMailError,
  MailError,
  type MailErrorCode,
  type MailErrorOptions,
  unsupportedField,
} from "./errors.js";
export type {
  MailEventBase,
  MailerHooks,
  SendEndEvent,
  SendErrorEvent,
  SendEvent,
  SendStartEvent,
  SentEvent,
} from "./events.js";
export {
  type CreateMailerOptions,
  createMailer,
  type Mailer,
  type MailerOptions,
  type ProviderSetup,
  type ProviderSetups,
  type SendOptions,
  type SendReceipt,
} from "./mailer.js";
export {
  IDEMPOTENCY_HEADER,
  type MailAttachment,
  type MailMessage,
  type NormalizedAttachment,
  type NormalizedMessage,
  normalizeMessage,
  type Recipients,
} from "./message.js";
export {
  isLoopbackAddress,
  isLoopbackHost,
  type PlainTextLogin,
  refusePlainHttp,
  sendsPasswordInClear,
} from "./plain-http.js";
export type { MailProviderConfigs, ProviderConfigOverrides } from "./provider-configs.js";
export { getRegisteredProvider, listProviders, type ProviderInfo, registerProvider } from "./registry.js";
export {
  type MailProviderResolution,
  type PassedOverProvider,
  parseProviderList,
  type ResolveMailProviderOptions,
  resolveMailProvider,
} from "./resolve-provider.js";
export {
  declaredWithinLimit,
  limitedFetch,
  limitResponseBody,
  MAX_RESPONSE_BYTES,
  ResponseTooLargeError,
  readCappedText,
} from "./response-limit.js";
export { DEFAULT_RETRY, type RetryOptions, type RetryPolicy } from "./retry-policy.js";
export { useProvider } from "./use-provider.js";
export { escapeControlCharacters } from "./vendor-text.js";
export * from "./webhooks/index.js";
