export { type AnswerCase, answersOf, type CaseAnswer } from "./case-answers.js";
export { type ConsoleRecorder, recordConsole } from "./console-recorder.js";
export {
  type CapturedRequest,
  captureJsonRequest,
  closedPort,
  createContractMailer,
  deferred,
} from "./contract-kit.js";
export { createFakeClock, type FakeClock } from "./fake-clock.js";
export { findSecret } from "./find-secret.js";
export { CONTRACT_FROM, fullMessage, minimalMessage, PDF_BYTES, PNG_BYTES } from "./fixtures.js";
export {
  type ChildSendResult,
  endlessAnswer,
  fixedAnswer,
  type HostileVendor,
  type LoopbackVendor,
  type LoopbackVendorStats,
  type ProxiedRequest,
  type RecordingProxy,
  type RecordingVendor,
  sendInChildProcess,
  startHostileVendor,
  startLoopbackVendor,
  startRecordingProxy,
  startRecordingVendor,
  testTlsFiles,
  type VendorAnswer,
  type VendorConnection,
  type VendorRequest,
} from "./hostile-network.js";
export {
  createTestMailer,
  type FailureRule,
  type MemoryConfig,
  memoryProvider,
  type TestMailer,
  type TestMailerOptions,
} from "./memory-provider.js";
export { type SdkLoadReport, sdkLoadReport } from "./sdk-load-report.js";
