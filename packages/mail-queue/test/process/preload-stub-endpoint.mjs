// Loaded with `node --import` before the posse-mail-worker CLI: registers the real Postmark provider with
// its endpoint pointed at the stub vendor (STUB_VENDOR_URL), so the CLI runs unchanged against the stub.
import { registerProvider } from "@posse/mail-core/provider";
import { postmarkProvider } from "@posse/mail-postmark";
import { traceMarks } from "./trace-marks.mjs";

registerProvider(
  traceMarks({
    ...postmarkProvider,
    configFromEnv: (values) => ({
      ...postmarkProvider.configFromEnv(values),
      endpoint: process.env.STUB_VENDOR_URL,
    }),
  }),
);
