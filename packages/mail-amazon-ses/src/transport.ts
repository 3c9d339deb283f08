import { MailError, type MailTransport, type ProviderContext } from "@posse/mail-core";
import { type AmazonSesConfig, checkConfig } from "./config.js";
import { fromSesError } from "./map-error.js";
import { toSesEmail } from "./map-message.js";

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
  return {
    async send(message, { signal }) {
      const command = new SendEmailCommand(toSesEmail(message, config.configurationSetName));
      const result = await client.send(command, { abortSignal: signal }).catch((error: unknown) => {
        throw fromSesError(error);
      });
      if (!result.MessageId) {
        throw new MailError("UNKNOWN", "amazon_ses answered without a MessageId", {
          provider: "amazon_ses",
          outcomeUnknown: true,
        });
      }
      return { messageId: result.MessageId };
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
