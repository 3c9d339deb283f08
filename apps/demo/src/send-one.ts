import {
  type CreateMailerFromEnvOptions,
  createMailerFromEnv,
  type EnvSource,
  type SendReceipt,
} from "@posse/mail-core";
import { step, type TextOutput, writeLine } from "./output.js";
import { printable } from "./printable.js";

/** Options of {@link sendOne}. */
export interface SendOneOptions {
  readonly env: EnvSource;
  readonly out: TextOutput;
  readonly to: string;
  readonly subject: string;
  readonly text?: string | undefined;
  readonly html?: string | undefined;
  /** Passed to `createMailerFromEnv`. */
  readonly mailer?: Omit<CreateMailerFromEnvOptions, "env">;
}

/** Sends one ad-hoc message through the provider the environment configures. */
export async function sendOne(options: SendOneOptions): Promise<SendReceipt> {
  const mailer = await createMailerFromEnv({ ...options.mailer, env: options.env });
  try {
    const receipt = await step(
      options.out,
      `Sending "${printable(options.subject)}" to ${printable(options.to)} through ${mailer.providers.join(" → ")}`,
      () =>
        mailer.send({
          to: options.to,
          subject: options.subject,
          ...(options.text !== undefined && { text: options.text }),
          ...(options.html !== undefined && { html: options.html }),
        }),
      (sent) => `sent via ${sent.provider}`,
    );
    writeLine(options.out, `id ${printable(receipt.messageId)}`);
    return receipt;
  } finally {
    await mailer.close();
  }
}
