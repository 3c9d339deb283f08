export { captureRequest, captureSends, carries } from "./capture.js";
export { describeProviderConformance } from "./conformance.js";
export { RETRY_BUDGETS, STATUS_CASES, type StatusCase } from "./error-matrix.js";
export { FIELD_CASES, type FieldCase } from "./field-cases.js";
export { type ResettingServer, startResettingServer } from "./loopback.js";
export { readMailbox, readMailboxList } from "./read-mailbox.js";
export type { CapturedRequest, CarriedAddresses, ProviderConformance, SdkCheck } from "./spec.js";
export { type Output, watchOutput } from "./watch-output.js";
export * from "./webhooks/index.js";
