import { MailError } from "../errors/mail-error.js";
import type { MailAddress } from "../message/address.js";
import type { NormalizedMessage } from "../message/message.js";
import type { SuppressedRecipient, SuppressionCheck } from "../suppression/suppression-check-options.js";
import { normalizeSuppressedAddress } from "../suppression/suppression-key.js";
import type { SuppressionList } from "../suppression/suppression-list.js";
import type { SendReceipt } from "./mailer.js";

const FIELDS = ["to", "cc", "bcc"] as const;

/** Which of the message's recipients are suppressed, each with its reason, in message order. */
async function suppressedRecipients(list: SuppressionList, message: NormalizedMessage) {
  const recipients = FIELDS.flatMap((field) => message[field].map((mailbox) => mailbox.address));
  const entries = await list.check(recipients);
  const suppressed = recipients.flatMap((address, i): SuppressedRecipient[] => {
    const entry = entries[i];
    return entry === undefined ? [] : [{ address, reason: entry.reason }];
  });
  return { recipients, suppressed };
}

function suppressedError(suppressed: readonly SuppressedRecipient[], total: number, check: SuppressionCheck) {
  const counts = new Map<string, number>();
  for (const { reason } of suppressed) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  const reasons = [...counts].map(([reason, count]) => `${reason}: ${count}`).join(", ");
  const which = check.nameAddresses
    ? `: ${suppressed.map(({ address, reason }) => `${address} (${reason})`).join(", ")}`
    : ` (${reasons})`;
  const all = suppressed.length === total;
  const some =
    suppressed.length === 1
      ? `1 of ${total} recipients is`
      : `${suppressed.length} of ${total} recipients are`;
  const subject = !all ? some : total === 1 ? "the recipient is" : `all ${total} recipients are`;
  const outcome = all
    ? "nothing was sent"
    : 'nothing was sent (suppression.partly "send-to-rest" sends to the others)';
  return new MailError("SUPPRESSED", `${subject} suppressed${which}; ${outcome}`, { retryable: false });
}

const keep = (list: readonly MailAddress[], left: ReadonlySet<string>) =>
  list.filter((mailbox) => !left.has(normalizeSuppressedAddress(mailbox.address)));

/**
 * Checks every recipient (to, cc, bcc) against the list, then sends what may go through `send`. Rejects
 * with `SUPPRESSED` when all are suppressed, or some and `partly` is not `"send-to-rest"`, or every `to`.
 */
export async function sendUnsuppressed(
  check: SuppressionCheck,
  message: NormalizedMessage,
  send: (message: NormalizedMessage) => Promise<SendReceipt>,
): Promise<SendReceipt> {
  const { recipients, suppressed } = await suppressedRecipients(check.list, message);
  if (suppressed.length === 0) return send(message);
  if (suppressed.length === recipients.length || check.partly !== "send-to-rest") {
    throw suppressedError(suppressed, recipients.length, check);
  }
  const left = new Set(suppressed.map(({ address }) => normalizeSuppressedAddress(address)));
  const rest = {
    ...message,
    to: keep(message.to, left),
    cc: keep(message.cc, left),
    bcc: keep(message.bcc, left),
  };
  if (rest.to.length === 0) {
    throw new MailError("SUPPRESSED", "every to recipient is suppressed; nothing was sent", {
      retryable: false,
    });
  }
  return { ...(await send(rest)), suppressed };
}

/** The mailer's suppression option, checked at creation; undefined when it has none. */
export function suppressionCheck(check: SuppressionCheck | undefined): SuppressionCheck | undefined {
  if (check === undefined) return undefined;
  if (typeof check?.list?.check !== "function") {
    throw new MailError("CONFIG", "suppression.list must be a list made by createSuppressionList", {
      field: "suppression",
    });
  }
  if (check.partly !== undefined && check.partly !== "reject" && check.partly !== "send-to-rest") {
    throw new MailError("CONFIG", 'suppression.partly must be "reject" or "send-to-rest"', {
      field: "suppression",
    });
  }
  return check;
}
