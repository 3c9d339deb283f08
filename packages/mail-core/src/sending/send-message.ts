import type { MailError } from "../errors/mail-error.js";
import type { MailAddress } from "../message/address.js";
import {
  attachmentBytes,
  type MailMessage,
  type NormalizedMessage,
  normalizeMessage,
} from "../message/message.js";
import { emit, type SendStartEvent } from "./events.js";
import { deliver, type SendPath } from "./failover.js";
import type { SendOptions, SendReceipt } from "./mailer.js";
import type { ProviderLink } from "./send-attempt.js";
import { sendUnsuppressed } from "./suppression-check.js";

const ids = (order: readonly ProviderLink[]) => order.map((link) => link.id);

/**
 * Validates a message (`from` filling in its sender), leaves out suppressed recipients (when the mailer
 * has a suppression list; see `sendUnsuppressed`) and delivers it. When a hook listens, the send's
 * start and end are told to it, a message that fails validation included.
 */
export async function sendMessage(
  path: SendPath,
  from: MailAddress,
  input: MailMessage,
  sendOptions: SendOptions,
): Promise<SendReceipt> {
  const { settings, cooldowns, suppression } = path;
  const { clock, hooks } = settings;
  if (!settings.observed) {
    const message = normalizeMessage(input, from);
    if (suppression === undefined) return deliver(path, message, cooldowns.order(), sendOptions, undefined);
    return sendUnsuppressed(suppression, message, (rest) =>
      deliver(path, rest, cooldowns.order(), sendOptions, undefined),
    );
  }
  const startedAt = clock.now();
  let message: NormalizedMessage;
  try {
    message = normalizeMessage(input, from);
  } catch (error) {
    const send = { providers: ids(cooldowns.order()), attachments: undefined, attachmentBytes: undefined };
    emit(hooks.onSendStart, send);
    emit(hooks.onSendEnd, { send, durationMs: clock.now() - startedAt, error: error as MailError });
    throw error;
  }
  const order = cooldowns.order();
  const send: SendStartEvent = {
    providers: ids(order),
    attachments: message.attachments.length,
    attachmentBytes: attachmentBytes(message),
    ...(settings.eventsIncludeMessage ? { message } : undefined),
  };
  emit(hooks.onSendStart, send);
  try {
    const receipt = await (suppression === undefined
      ? deliver(path, message, order, sendOptions, send)
      : sendUnsuppressed(suppression, message, (rest) => deliver(path, rest, order, sendOptions, send)));
    emit(hooks.onSendEnd, { send, durationMs: clock.now() - startedAt, receipt });
    return receipt;
  } catch (error) {
    emit(hooks.onSendEnd, { send, durationMs: clock.now() - startedAt, error: error as MailError });
    throw error;
  }
}
