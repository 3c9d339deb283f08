import type { MailTransport, ProviderContext } from "@posse/mail-core";
import { type AmazonSesConfig, checkConfig } from "./config.js";
import { limitResponseMiddleware } from "./limit-response.js";
import { fromSesError } from "./map-error.js";
import { toSesEmail } from "./map-message.js";
import { plainHttpGuardMiddleware } from "./plain-http-guard.js";

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
  // Both sit next to the HTTP handler: the guard sees the final URL (the SDK also takes one from
  // AWS_ENDPOINT_URL_SESV2, AWS_ENDPOINT_URL or ~/.aws/config), the limit sees the raw answer first.
  client.middlewareStack.add(plainHttpGuardMiddleware(config.endpoint), {
    step: "deserialize",
    priority: "low",
    name: "posseRefusePlainHttp",
  });
  client.middlewareStack.add(limitResponseMiddleware(), {
    step: "deserialize",
    priority: "low",
    name: "posseLimitResponseBody",
  });
  return {
    async send(message, { signal }) {
      const command = new SendEmailCommand(toSesEmail(message, config.configurationSetName));
      const result = await client.send(command, { abortSignal: signal }).catch((error: unknown) => {
        throw fromSesError(error);
      });
      // Passed on as SES gave it: the core turns a missing or empty id into UNKNOWN, outcome unknown.
      return { messageId: result.MessageId as string };
    },
    async verify({ signal }) {
      await client.send(new GetAccountCommand({}), { abortSignal: signal }).catch((error: unknown) => {
        throw fromSesError(error);
      });
    },
    close() {
      client.destroy();
    },
  };
}
