// The provider-author entry point, `@posse/mail-core/provider`: everything a provider package needs to
// define, register and implement a provider, and nothing an application needs to send.
export { formatAddress, type MailAddress, parseAddress } from "./address.js";
export { requestCappedFetch } from "./capped-fetch.js";
export {
  answerTooLargeError,
  type CappedAnswer,
  type CappedRequest,
  requestCapped,
} from "./capped-request.js";
export type { EnvCheck, EnvFormat } from "./check-env.js";
export {
  codeForStatus,
  type HttpFailure,
  httpFailure,
  noResponseFailure,
  parseRetryAfter,
  systemErrorCode,
  transportFailure,
} from "./classify-http.js";
export type { ConfigField, ConfigKind, ConfigSchema, NestedConfigSchema } from "./config-schema.js";
export {
  defineProvider,
  type EnvValues,
  type EnvVar,
  type MailTransport,
  type ProviderContext,
  type ProviderDefinition,
  type RequestContext,
  type SendResult,
} from "./define-provider.js";
export { encodeWords, needsEncodedWords } from "./encoded-words.js";
export {
  isMailError,
  MailError,
  type MailErrorCode,
  type MailErrorOptions,
  unsupportedField,
} from "./errors.js";
export {
  IDEMPOTENCY_HEADER,
  type NormalizedAttachment,
  type NormalizedMessage,
} from "./message.js";
export { isLoopbackHost, refusePlainHttp } from "./plain-http.js";
export { registerProvider } from "./registry.js";
export {
  declaredWithinLimit,
  limitedFetch,
  limitResponseBody,
  MAX_RESPONSE_BYTES,
  ResponseTooLargeError,
  readCappedText,
} from "./response-limit.js";
