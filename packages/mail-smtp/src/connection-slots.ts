// A counting semaphore sized like nodemailer's pool: a send that holds a slot is sure to get a pooled
// connection without waiting behind other sends, so "slot acquired" is the moment the request can start.

/** Frees a slot taken by {@link ConnectionSlots.acquire}; calling it twice frees it once. */
export type ReleaseSlot = () => void;

/** At most `size` holders at once; the rest wait in arrival order. */
export interface ConnectionSlots {
  /** Resolves once a slot is free; rejects with the signal's reason if it aborts first (no slot taken). */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot>;
}

/** Slots for a pool of `size` connections. */
export function connectionSlots(size: number): ConnectionSlots {
  let free = size;
  const waiting: (() => void)[] = [];

  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else free += 1;
  }

  function releaseOnce(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  }

  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (free > 0) {
        free -= 1;
        return Promise.resolve(releaseOnce());
      }
      return new Promise<ReleaseSlot>((resolve, reject) => {
        const grant = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve(releaseOnce());
        };
        const onAbort = () => {
          waiting.splice(waiting.indexOf(grant), 1);
          reject(signal?.reason);
        };
        waiting.push(grant);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
}
