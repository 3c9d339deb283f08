import { MailError } from "../errors/mail-error.js";

/** What a numeric webhook option is and whose it is, for the CONFIG error that names it. */
export interface NumberOption {
  /** Whose option it is, e.g. "the mailgun webhook" or "createWebhookHandler"; the error's first words. */
  readonly owner: string;
  /** The option's name, e.g. "toleranceSeconds": the error's `field`. */
  readonly field: string;
  /** What it counts, e.g. "seconds". */
  readonly unit: string;
  /** Whether it must be a whole number (bytes, entries). */
  readonly whole?: boolean;
  /** The provider the error is about, when there is one. */
  readonly provider?: string;
}

/**
 * An optional numeric option, checked when a webhook, handler or store is created: undefined passes; anything
 * but a finite number above 0 (whole where it counts things) is a CONFIG error naming the option. NaN, Infinity
 * and 0 would each switch a defence off, so none is accepted.
 */
export function positiveOption(value: unknown, option: NumberOption): number | undefined {
  if (value === undefined) return undefined;
  const valid = option.whole
    ? Number.isSafeInteger(value) && (value as number) > 0
    : typeof value === "number" && Number.isFinite(value) && value > 0;
  if (valid) return value as number;
  throw new MailError(
    "CONFIG",
    `${option.owner}: ${option.field} must be a positive ${option.whole ? "whole number" : "number"} of ${option.unit}`,
    { provider: option.provider, field: option.field },
  );
}
