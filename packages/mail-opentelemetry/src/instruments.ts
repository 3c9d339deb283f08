import type { Counter, Histogram, Meter } from "@opentelemetry/api";

/** Bucket bounds in seconds: the conventions' HTTP duration buckets, plus 30 s and 60 s for sends that retry. */
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60];

/** The metrics this package records. */
export interface MailInstruments {
  /** `posse_mail.sends`: sends, by provider, outcome and `error.type`. */
  readonly sends: Counter;
  /** `posse_mail.attempts`: requests to vendors, by provider, outcome and `error.type`. */
  readonly attempts: Counter;
  /** `posse_mail.retries`: failed requests the mailer tries again, by provider and `error.type`. */
  readonly retries: Counter;
  /** `posse_mail.failovers`: moves to the next provider, by the provider left and its `error.type`. */
  readonly failovers: Counter;
  /** `posse_mail.send.duration`: a whole send, retries and backoff included, in seconds. */
  readonly sendDuration: Histogram;
  /** `posse_mail.attempt.duration`: one request to a vendor, in seconds. */
  readonly attemptDuration: Histogram;
}

/** Creates the instruments on `meter`. */
export function createInstruments(meter: Meter): MailInstruments {
  return {
    sends: meter.createCounter("posse_mail.sends", {
      description: "E-mail sends, by the provider that accepted or last tried the message and outcome",
      unit: "{send}",
    }),
    attempts: meter.createCounter("posse_mail.attempts", {
      description: "Requests to e-mail vendors, by provider and outcome",
      unit: "{attempt}",
    }),
    retries: meter.createCounter("posse_mail.retries", {
      description: "Failed requests the mailer tries again on the same provider",
      unit: "{retry}",
    }),
    failovers: meter.createCounter("posse_mail.failovers", {
      description: "Sends that moved on to the next provider, by the provider left",
      unit: "{failover}",
    }),
    sendDuration: meter.createHistogram("posse_mail.send.duration", {
      description: "Duration of a whole send, retries, backoff and failover included",
      unit: "s",
      advice: { explicitBucketBoundaries: SECONDS },
    }),
    attemptDuration: meter.createHistogram("posse_mail.attempt.duration", {
      description: "Duration of one request to an e-mail vendor",
      unit: "s",
      advice: { explicitBucketBoundaries: SECONDS },
    }),
  };
}
