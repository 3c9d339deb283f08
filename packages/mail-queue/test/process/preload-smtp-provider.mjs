// Loaded with `node --import` before the posse-mail-worker CLI: registers the real SMTP provider, which
// the test's workspace holds (an app installs @posse/mail-smtp beside the queue).
import { registerProvider } from "@posse/mail-core/provider";
import { smtpProvider } from "@posse/mail-smtp";
import { traceMarks } from "./trace-marks.mjs";

registerProvider(traceMarks(smtpProvider));
