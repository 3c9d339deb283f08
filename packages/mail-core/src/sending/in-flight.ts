import { MailError } from "../errors/mail-error.js";
import { safeCause } from "../errors/redact.js";
import type { ProviderLink } from "./send-attempt.js";

/** A mailer's sends and verifies under way, and its closing once they are done. */
export interface InFlight {
  /** Runs a send or verify, or rejects with `ABORTED` once the mailer is closing. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Refuses new work, waits for what is under way, then closes every transport; the same promise each call. */
  close(): Promise<void>;
}

function closedError(): MailError {
  return new MailError("ABORTED", "the mailer is closed: nothing was sent", { retryable: false });
}

/** Tracks the work of the mailer whose providers are `links`. */
export function trackInFlight(links: readonly ProviderLink[]): InFlight {
  let busy = 0;
  let idle: (() => void) | undefined;
  let closing: Promise<void> | undefined;

  async function closeTransports(): Promise<void> {
    if (busy > 0) await new Promise<void>((resolve) => (idle = resolve));
    const results = await Promise.allSettled(links.map(async (link) => link.transport.close?.()));
    const index = results.findIndex((result) => result.status === "rejected");
    if (index >= 0) {
      const link = links[index]!;
      throw new MailError("UNKNOWN", `${link.id} failed to close its connections`, {
        provider: link.id,
        cause: safeCause((results[index] as PromiseRejectedResult).reason, link.secretPatterns),
      });
    }
  }

  return {
    async run(work) {
      if (closing) throw closedError();
      busy += 1;
      try {
        return await work();
      } finally {
        busy -= 1;
        if (busy === 0) idle?.();
      }
    },
    close() {
      closing ??= closeTransports();
      return closing;
    },
  };
}
