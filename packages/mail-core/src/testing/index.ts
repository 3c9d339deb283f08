export { type AnswerCase, answersOf, type CaseAnswer } from "./case-answers.js";
export { type ChildSendResult, sendInChildProcess } from "./child-send.js";
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
export { type HostileVendor, startHostileVendor, type VendorConnection } from "./hostile-vendor.js";
export {
  endlessAnswer,
  fixedAnswer,
  type LoopbackVendor,
  type LoopbackVendorStats,
  startLoopbackVendor,
  type VendorAnswer,
} from "./loopback-vendor.js";
export {
  createTestMailer,
  type FailureRule,
  type MemoryConfig,
  memoryProvider,
  type TestMailer,
  type TestMailerOptions,
} from "./memory-provider.js";
export { type ProxiedRequest, type RecordingProxy, startRecordingProxy } from "./recording-proxy.js";
export { type RecordingVendor, startRecordingVendor, type VendorRequest } from "./recording-vendor.js";
export { type SdkLoadReport, sdkLoadReport } from "./sdk-load-report.js";
export { testTlsFiles } from "./tls-files.js";
