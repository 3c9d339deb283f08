// The provider-author entry point, `@posse/mail-core/provider`: everything a provider package needs to
// define, register and implement a provider, and nothing an application needs to send.

export type { EnvCheck } from "./configuration/check-env.js";
export type {
  ConfigField,
  ConfigKind,
  ConfigSchema,
  NestedConfigSchema,
} from "./configuration/config-schema.js";
export type { EnvFormat } from "./configuration/env-formats.js";
export type { EnvValues, EnvVar } from "./configuration/env-values.js";
export {
  isMailError,
  MailError,
  type MailErrorCode,
  type MailErrorOptions,
  unsupportedField,
} from "./errors/mail-error.js";
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
  noResponseFailure,
  parseRetryAfter,
  systemErrorCode,
  transportFailure,
} from "./http/classify-http.js";
export { isLoopbackHost, refusePlainHttp } from "./http/plain-http.js";
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
export {
  defineProvider,
  type MailTransport,
  type ProviderContext,
  type ProviderDefinition,
  type RequestContext,
  type SendResult,
} from "./providers/define-provider.js";
export { registerProvider } from "./providers/registry.js";
