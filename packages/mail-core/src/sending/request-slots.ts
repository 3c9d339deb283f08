/** A bound on the requests one `sendMany` has in flight at once, shared by its single and batch requests. */
export interface RequestSlots {
  /** Resolves once a slot is free and taken; waiters are served first come, first served. */
  acquire(): Promise<void>;
  /** Takes a slot if one is free now (none is while any waits); false otherwise. */
  tryAcquire(): boolean;
  /** Frees a slot taken by `acquire`, handing it to the next waiter if there is one. */
  release(): void;
  /** Runs `request` in a slot, freeing it when the request settles. */
  run<T>(request: () => Promise<T>): Promise<T>;
}

/** `limit` slots, all free. */
export function requestSlots(limit: number): RequestSlots {
  let free = limit;
  const waiting: (() => void)[] = [];
  const slots: RequestSlots = {
    acquire() {
      if (free > 0) {
        free -= 1;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    tryAcquire() {
      if (free === 0) return false;
      free -= 1;
      return true;
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    },
    async run(request) {
      await slots.acquire();
      try {
        return await request();
      } finally {
        slots.release();
      }
    },
  };
  return slots;
}
