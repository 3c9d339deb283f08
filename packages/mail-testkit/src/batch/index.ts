export { describeBatchConformance } from "./conformance.js";
export type { BatchAnswers, BatchConformance, BatchFailure } from "./spec.js";
