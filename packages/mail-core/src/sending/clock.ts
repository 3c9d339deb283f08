/** Time as the mailer sees it; inject a fake one in tests so retries and timeouts need no real waiting. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The real clock: `Date.now` and `setTimeout`. Its timers keep the process alive: every wait it runs
 * (the backoff before a retry, a request's timeout) is part of a send or verify the caller is awaiting,
 * so a short script must not exit in the middle of one. A cool-down is a timestamp, not a timer.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

// The reason a timer's wait is cancelled with: a fixed value, so cancelling builds no AbortError (with its
// stack) and the wait's rejection carries nothing.
const CANCELLED = Symbol("timer cancelled");
const ignore = () => {};

/**
 * Calls `onFire` after `ms` on `clock` unless the returned function is called first. On the system clock
 * it is one `setTimeout` (kept alive, like `sleep`); on another clock, a `sleep` cancelled through its
 * signal. Cancelling never aborts with an error object.
 */
export function startTimer(clock: Clock, ms: number, onFire: () => void): () => void {
  if (clock === systemClock) {
    const timer = setTimeout(onFire, ms);
    return () => clearTimeout(timer);
  }
  const stop = new AbortController();
  clock.sleep(ms, stop.signal).then(onFire, ignore);
  return () => stop.abort(CANCELLED);
}
