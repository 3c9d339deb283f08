import type { Clock } from "../sending/clock.js";

/** A clock that only moves when told to; `sleeps` records every wait that completed. */
export interface FakeClock extends Clock {
  /** Waits that ran to completion, in ms, in order. */
  readonly sleeps: number[];
  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): Promise<void>;
  /**
   * Fires timers one by one, earliest first, until `promise` settles; returns its outcome. While real I/O
   * is in flight (a mocked HTTP request), pass `maxTimerMs` below the mailer's timeout: longer timers then
   * never fire, and the clock waits for the I/O instead of timing it out.
   */
  settle<T>(promise: Promise<T>, options?: { readonly maxTimerMs?: number }): Promise<T>;
}

interface Timer {
  at: number;
  ms: number;
  resolve(): void;
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The fake clock's time, its pending timers and the waits that completed. */
interface ClockState {
  now: number;
  readonly timers: Timer[];
  readonly sleeps: number[];
}

/** Fires the earliest timer due by `limit` (and no longer than `maxMs`); false when there is none. */
async function fireNext(
  state: ClockState,
  limit: number,
  maxMs = Number.POSITIVE_INFINITY,
): Promise<boolean> {
  const { timers } = state;
  timers.sort((a, b) => a.at - b.at);
  const next = timers.find((timer) => timer.ms <= maxMs);
  if (!next || next.at > limit) return false;
  timers.splice(timers.indexOf(next), 1);
  state.now = Math.max(state.now, next.at);
  state.sleeps.push(next.ms);
  next.resolve();
  await flush();
  return true;
}

/** A wait of `ms` that only time moved by the clock ends; rejects with the signal's reason on abort. */
function sleep(state: ClockState, ms: number, signal: AbortSignal | undefined): Promise<void> {
  const { timers } = state;
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    // Once fired, the timer is gone: a later abort must not remove another timer (indexOf -1).
    const onAbort = () => {
      const index = timers.indexOf(timer);
      if (index >= 0) timers.splice(index, 1);
      reject(signal?.reason);
    };
    const timer: Timer = {
      at: state.now + ms,
      ms,
      resolve: () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
    };
    timers.push(timer);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Fires timers one by one until `promise` settles (see {@link FakeClock.settle}); returns its outcome. */
async function settle<T>(state: ClockState, promise: Promise<T>, maxTimerMs: number | undefined): Promise<T> {
  let settled = false;
  const outcome = promise.then(
    (value) => {
      settled = true;
      return value;
    },
    (error: unknown) => {
      settled = true;
      throw error;
    },
  );
  outcome.catch(() => {});
  await flush();
  while (!settled) {
    if (await fireNext(state, Number.POSITIVE_INFINITY, maxTimerMs)) continue;
    // Nothing may fire: without a bound the outcome rests on real work alone; with one, poll until
    // that work settles the promise or schedules a short timer (a backoff) to fire.
    if (maxTimerMs === undefined) break;
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
  return outcome;
}

/** Makes a {@link FakeClock} starting at `start` ms since the epoch. */
export function createFakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  const state: ClockState = { now: start, timers: [], sleeps: [] };
  return {
    sleeps: state.sleeps,
    now: () => state.now,
    sleep: (ms, signal) => sleep(state, ms, signal),
    async advance(ms) {
      const target = state.now + ms;
      await flush();
      while (await fireNext(state, target)) {}
      state.now = target;
    },
    settle: (promise, options = {}) => settle(state, promise, options.maxTimerMs),
  };
}
