/** A bound on the requests one `sendMany` has in flight at once, shared by its single and batch requests. */
export interface RequestSlots {
  /** Resolves once a slot is free and taken; waiters are served first come, first served. */
  acquire(): Promise<void>;
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
