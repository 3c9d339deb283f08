import type { SendEmailCommandOutput } from "@aws-sdk/client-sesv2";
import type { MailTransport, ProviderContext } from "@posse/mail-core/provider";
import { type SdkRequestHandler, signalRequestHandler, withCallSignal } from "./call-signal.js";
import { commandRunner } from "./command-runner.js";
import { type AmazonSesConfig, checkConfig } from "./config.js";
import { fromSesError } from "./map-error.js";
import { toSesEmail } from "./map-message.js";
import { requestMiddleware } from "./request-middleware.js";

/** Loads the SES v2 SDK and returns a transport over it. */
export async function createTransport(
  config: AmazonSesConfig,
  context: ProviderContext,
): Promise<MailTransport> {
  checkConfig(config);
  const { GetAccountCommand, SendEmailCommand, SESv2Client } = await import("@aws-sdk/client-sesv2");
  const client = new SESv2Client({
    region: config.region,
    ...(config.endpoint !== undefined && { endpoint: config.endpoint }),
    // Without keys the SDK's default credential chain applies (env, profile, SSO, instance role, …).
    ...(config.accessKeyId !== undefined &&
      config.secretAccessKey !== undefined && {
        credentials: {
          accessKeyId: config.accessKeyId,
          secretAccessKey: config.secretAccessKey,
          ...(config.sessionToken !== undefined && { sessionToken: config.sessionToken }),
        },
      }),
    // The core retries; the SDK must not retry behind its back.
    maxAttempts: 1,
    requestHandler: { requestTimeout: context.timeoutMs, throwOnRequestTimeout: true },
  });
  // Next to the HTTP handler: the guard sees the final URL, the limit sees the raw answer first.
  client.middlewareStack.add(requestMiddleware(config.endpoint), {
    step: "deserialize",
    priority: "low",
    name: "posseRequest",
  });
  // Each call's signal reaches the SDK's handler through the request (see call-signal.ts), not as the
  // per-call option that would make the SDK rebuild its middleware chain on every send.
  const sdkConfig = client.config as unknown as { requestHandler: SdkRequestHandler };
  sdkConfig.requestHandler = signalRequestHandler(sdkConfig.requestHandler);
  const run = commandRunner(client);
  return {
    async send(message, { signal }) {
      const input = withCallSignal(toSesEmail(message, config.configurationSetName), signal);
      const result = await run<SendEmailCommandOutput>(SendEmailCommand, input).catch((error: unknown) => {
        throw fromSesError(error);
      });
      // Passed on as SES gave it: the core turns a missing or empty id into UNKNOWN, outcome unknown.
      return { messageId: result.MessageId as string };
    },
    async verify({ signal }) {
      await run(GetAccountCommand, withCallSignal({}, signal)).catch((error: unknown) => {
        throw fromSesError(error);
      });
    },
    close() {
      client.destroy();
    },
  };
}
