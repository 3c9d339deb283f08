// `@posse/mail-core`: what an application uses to send e-mail, choose and inspect its provider, and
// receive delivery events. What a provider package needs to implement one is `@posse/mail-core/provider`;
// test/surfaces.test.ts lists both, so every export is a decision.
export type { ConfigProblem } from "./configuration/check-env.js";
export {
  type CreateMailerFromEnvOptions,
  createMailerFromEnv,
} from "./configuration/create-mailer-from-env.js";
export {
  detectionVariables,
  type EnvSource,
  type EnvVar,
  envValue,
  isDetected,
  missingVariables,
} from "./configuration/env-values.js";
export { fromAddressFromEnv } from "./configuration/from-address.js";
export type { MailProviderConfigs, ProviderConfigOverrides } from "./configuration/provider-configs.js";
export {
  type MailProviderResolution,
  type PassedOverProvider,
  type ResolveMailProviderOptions,
  resolveMailProvider,
} from "./configuration/resolve-provider.js";
export { isMailError, MailError, type MailErrorCode, type MailErrorOptions } from "./errors/mail-error.js";
export {
  type AddressInput,
  formatAddress,
  isValidAddress,
  type MailAddress,
  parseAddress,
} from "./message/address.js";
export {
  type MailAttachment,
  type MailMessage,
  type NormalizedAttachment,
  type NormalizedMessage,
  normalizeMessage,
  type Recipients,
} from "./message/message.js";
export { BUILTIN_PROVIDERS, type BuiltinProvider } from "./providers/builtin-providers.js";
export type { ProviderDefinition } from "./providers/define-provider.js";
export { getRegisteredProvider, listProviders, type ProviderInfo } from "./providers/registry.js";
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
  SendManyOptions,
  SendManyResult,
  SendOptions,
  SendReceipt,
} from "./sending/mailer.js";
export { DEFAULT_RETRY, type RetryOptions, type RetryPolicy } from "./sending/retry-policy.js";
export { useProvider } from "./sending/use-provider.js";
export { suppressFromEvents } from "./suppression/from-events.js";
export { memorySuppressionStore } from "./suppression/memory-store.js";
export type { SuppressedRecipient, SuppressionCheck } from "./suppression/suppression-check-options.js";
export {
  createSuppressionList,
  type RemovalDetails,
  type SuppressionDetails,
  type SuppressionList,
  type SuppressionListOptions,
} from "./suppression/suppression-list.js";
export type {
  SuppressionEntry,
  SuppressionReason,
  SuppressionRemoval,
  SuppressionStore,
} from "./suppression/suppression-store.js";
export {
  DEFAULT_DEDUPE_TTL_MS,
  type DedupeEventsOptions,
  dedupeEvents,
  dedupeKey,
} from "./webhooks/dedupe-events.js";
export type { WebhookDefinition } from "./webhooks/definition.js";
export type { MailBounce, MailEvent, MailEventType } from "./webhooks/event.js";
export {
  createWebhookHandler,
  DEFAULT_WEBHOOK_MAX_BODY_BYTES,
  DEFAULT_WEBHOOK_RETRY_STATUS,
  type WebhookHandlerOptions,
} from "./webhooks/handler.js";
export {
  type NodeWebhookRequest,
  type NodeWebhookResponse,
  toNodeHandler,
  toWebRequest,
} from "./webhooks/node-adapter.js";
export {
  type MemoryReplayStoreOptions,
  memoryReplayStore,
  type ReplayStore,
} from "./webhooks/replay-store.js";
