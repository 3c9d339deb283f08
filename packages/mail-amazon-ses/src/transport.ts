import type { SESv2ClientConfig, SendEmailCommandOutput } from "@aws-sdk/client-sesv2";
import type { MailTransport, ProviderContext } from "@posse/mail-core/provider";
import { callOf, withCall } from "./call-signal.js";
import { cappedHandler } from "./capped-handler.js";
import { commandRunner } from "./command-runner.js";
import { type AmazonSesConfig, checkConfig } from "./config.js";
import { fromSesError } from "./map-error.js";
import { toSesEmail } from "./map-message.js";
import { requestMiddleware } from "./request-middleware.js";

/** Loads the SES v2 SDK and returns a transport over it. */
export async function createTransport(
  config: AmazonSesConfig,
  _context: ProviderContext,
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
    // Core's requestCapped sends what the SDK signed: the call's signal, the answer's size capped, and the
    // call's requestStarting once the connection is ready (the core enforces the timeout via the signal).
    requestHandler: cappedHandler(callOf) as NonNullable<SESv2ClientConfig["requestHandler"]>,
  });
  // Next to the HTTP handler: the guard sees the final URL, and the call reaches the handler.
  client.middlewareStack.add(requestMiddleware(config.endpoint), {
    step: "deserialize",
    priority: "low",
    name: "posseRequest",
  });
  const run = commandRunner(client);
  return {
    async send(message, call) {
      const input = withCall(toSesEmail(message, config.configurationSetName), call);
      const result = await run<SendEmailCommandOutput>(SendEmailCommand, input).catch((error: unknown) => {
        throw fromSesError(error);
      });
      // Passed on as SES gave it: the core turns a missing or empty id into UNKNOWN, outcome unknown.
      return { messageId: result.MessageId as string };
    },
    async verify(call) {
      await run(GetAccountCommand, withCall({}, call)).catch((error: unknown) => {
        throw fromSesError(error);
      });
    },
    close() {
      client.destroy();
    },
  };
}
