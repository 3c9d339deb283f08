// Not an entry point of the package: the part of the core that needs no Node built-in, built once as
// `dist/neutral-core`. `dist/webhooks` re-exports from it, and `dist/core` imports these modules from it
// instead of bundling its own copy, so MailError, WebhookError and the rest exist once through every entry.
// tsup.config.ts reads this list: a module listed here may import only modules listed here (the build
// fails otherwise), and nothing from a package or a Node built-in (test/webhooks-entry.test.ts).
export * from "./configuration/env-values.js";
export * from "./errors/mail-error.js";
export * from "./http/response-limit.js";
export * from "./sending/clock.js";
export * from "./webhooks/config.js";
export * from "./webhooks/crypto.js";
export * from "./webhooks/dedupe-events.js";
export * from "./webhooks/definition.js";
export * from "./webhooks/event.js";
export * from "./webhooks/handler.js";
export * from "./webhooks/option-checks.js";
export * from "./webhooks/parse-body.js";
export * from "./webhooks/read-body.js";
export * from "./webhooks/replay-store.js";
export * from "./webhooks/shared-secret.js";
export * from "./webhooks/shared-secret-options.js";
export * from "./webhooks/shared-secret-webhook.js";
export * from "./webhooks/timestamp-window.js";
export * from "./webhooks/webhook-error.js";
