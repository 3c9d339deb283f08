export { describeWebhookConformance } from "./conformance.js";
export { basicAuthorization, webhookPost } from "./requests.js";
export {
  type JoinCheck,
  type ReplayCheck,
  type StaleCheck,
  type UnconfiguredCase,
  WEBHOOK_REFUSALS,
  type WebhookAnswer,
  type WebhookAnswers,
  type WebhookConformance,
  type WebhookRefusal,
} from "./spec.js";
export type { EndpointLimits, WebhookEndpoint, WebhookTester } from "./tester.js";
