import type { SuppressionList } from "./suppression-list.js";
import type { SuppressionReason } from "./suppression-store.js";

/** How a mailer checks recipients against a suppression list before any provider is called. */
export interface SuppressionCheck {
  /** The list. */
  readonly list: SuppressionList;
  /**
   * A message only some of whose recipients are suppressed: `"reject"` it (default), or `"send-to-rest"`,
   * leaving those out and naming them in the receipt's `suppressed`.
   */
  readonly partly?: "reject" | "send-to-rest";
  /** Name the suppressed addresses in the `SUPPRESSED` error's message (personal data). Default false. */
  readonly nameAddresses?: boolean;
}

/** A recipient a send left out because it is suppressed. */
export interface SuppressedRecipient {
  /** The address as the message gave it. */
  readonly address: string;
  /** Why it is suppressed. */
  readonly reason: SuppressionReason;
}
